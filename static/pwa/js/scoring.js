// Visibility conditions and the live score, following docs/checklist-format.md. The server's
// engine decides the real score at submit; this one only shows the inspector where they stand.
import { t } from "./i18n.js";

const NUMERIC = new Set([">", ">=", "<", "<="]);

function clauseHolds(clause, answer) {
  if (answer === undefined || answer === null) return false;
  const { op, value } = clause;
  if (NUMERIC.has(op)) {
    if (typeof answer !== "number") return false;
    return op === ">" ? answer > value : op === ">=" ? answer >= value : op === "<" ? answer < value : answer <= value;
  }
  if (Array.isArray(answer)) {
    const found = answer.map(String).includes(String(value));
    return op === "=" ? found : !found;
  }
  if (typeof answer === "number") {
    const number = Number(value);
    if (Number.isNaN(number)) return op === "!=";
    return op === "=" ? answer === number : answer !== number;
  }
  return op === "=" ? String(answer) === String(value) : String(answer) !== String(value);
}

export function hiddenItems(version, values) {
  const items = version.sections.flatMap((s) => s.items);
  const conditional = items.filter((i) => i.condition);
  const byKey = Object.fromEntries(items.map((i) => [i.key, i]));
  const ordered = [];
  const placed = new Set();
  while (ordered.length < conditional.length) {
    const before = ordered.length;
    for (const item of conditional) {
      if (placed.has(item.key)) continue;
      if (item.condition.clauses.every((c) => placed.has(c.key) || !byKey[c.key]?.condition)) {
        ordered.push(item);
        placed.add(item.key);
      }
    }
    if (ordered.length === before) break;
  }
  const visible = { ...values };
  const hidden = new Set();
  for (const item of ordered) {
    const results = item.condition.clauses.map((c) => clauseHolds(c, visible[c.key]));
    const holds = item.condition.any_of ? results.some(Boolean) : results.every(Boolean);
    if (!holds) {
      hidden.add(item.key);
      delete visible[item.key];
    }
  }
  return hidden;
}

function outcome(item, value) {
  const points = item.points;
  switch (item.type) {
    case "check":
      return value === "pass" ? [points, false] : value === "fail" ? [0, true] : null;
    case "scale": {
      const top = item.scale.max;
      if (!Number.isInteger(value) || value < 0 || value > top) return null;
      return [(points * value) / top, item.pass_min !== null && value < item.pass_min];
    }
    case "choice": {
      const options = Object.fromEntries(item.options.map((o) => [o.key, o]));
      const chosen = item.multiple ? (Array.isArray(value) ? value : []) : [value];
      if (!chosen.length || chosen.some((k) => !options[k])) return null;
      const got = chosen.reduce((sum, k) => sum + options[k].points, 0);
      return [Math.min(points, got), chosen.some((k) => options[k].fail)];
    }
    case "number":
    case "duration": {
      if (typeof value !== "number") return null;
      const ok = (item.pass_min === null || value >= item.pass_min) && (item.pass_max === null || value <= item.pass_max);
      return ok ? [points, false] : [0, true];
    }
    default:
      return [0, false];
  }
}

// As the server rounds it (Python's round(x, 2)): the float's exact value, a tie to the even digit.
// Math.round rounds a tie up, so 25 of 32 showed 78.13 where the receipt says 78.12.
function roundPercent(x) {
  const [whole, fraction] = x.toFixed(100).split(".");
  const kept = BigInt(whole + fraction.slice(0, 2));
  const rest = fraction.slice(2).replace(/0+$/, "");
  const up = rest > "5" || (rest === "5" && kept % 2n === 1n);
  return Number(kept + (up ? 1n : 0n)) / 100;
}

export function liveScore(version, values) {
  const hidden = hiddenItems(version, values);
  let score = 0;
  let max = 0;
  let zeroAll = false;
  let answered = 0;
  let open = 0;  // visible scored items not yet answered
  let answeredMax = 0;
  const caps = [];
  const failed = new Set();
  for (const section of version.sections) {
    let sectionScore = 0;
    let sectionMax = 0;
    let zero = false;
    for (const item of section.items) {
      if (hidden.has(item.key)) continue;
      const value = values[item.key];
      if (value !== undefined && value !== null) answered += 1;
      if (value === "na" && item.allow_na) continue;
      const result = value === undefined || value === null ? null : outcome(item, value);
      sectionMax += item.points;
      if (!result && SCORED.includes(item.type) && item.points > 0) open += 1;
      if (!result) continue;
      answeredMax += item.points;
      sectionScore += result[0];
      if (result[1]) {
        failed.add(item.key);
        if (item.critical === "zero_section") zero = true;
        if (item.critical === "zero_inspection") zeroAll = true;
        if (item.critical === "cap_grade") caps.push(item.cap_grade);
      }
    }
    score += zero ? 0 : sectionScore;
    max += sectionMax;
  }
  if (zeroAll) score = 0;
  const percent = max ? roundPercent((score / max) * 100) : 100;
  const grade = gradeOf(version, percent, caps);
  // While items are still open the score counts them as lost; what the answers so far earn is shown instead.
  const soFarPercent = answeredMax ? roundPercent((score / answeredMax) * 100) : 100;
  const soFar = { percent: soFarPercent, grade: gradeOf(version, soFarPercent, caps) };
  return { score, max, percent, grade, hidden, failed, answered, open, soFar };
}

const SCORED = ["check", "scale", "choice", "number", "duration"];

function gradeOf(version, percent, caps) {
  const names = version.grades.map((g) => g.grade);
  let index = version.grades.findIndex((g) => percent >= g.min);
  if (index < 0) index = names.length - 1;
  const worstCap = Math.max(-1, ...caps.map((c) => names.indexOf(c)));
  return names[Math.max(index, worstCap)];
}

// "87.5% · B" once all is answered; "95% · A（暂计）" for the answers so far; before any answer no score at all,
// not 0% and the lowest grade.
export function scoreText(score) {
  if (!score.answered) return "—";
  if (score.open) return `${score.soFar.percent}% · ${score.soFar.grade}${t("so_far")}`;
  return `${score.percent}% · ${score.grade}`;
}
