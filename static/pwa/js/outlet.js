// Outlet mode: the outlet's findings grouped by what they need, and its notices. One finding and
// its thread are in finding.js; answers wait in IndexedDB and go out through the outbox (responses.js).
import { apiAll, ApiError, apiPage } from "./api.js";
import { all, get, meta, put } from "./db.js";
import { h, show, when } from "./dom.js";
import { t } from "./i18n.js";

const SEVERITY = { critical: ["严重", "Critical"], major: ["一般", "Major"], minor: ["轻微", "Minor"] };
const GROUPS = ["overdue", "open", "responded", "closed"];
let shownGroup = sessionStorage.getItem("osi-finding-filter") || "all";

export function severityLabel(severity) {
  const entry = SEVERITY[severity] || [severity, severity];
  return document.documentElement.lang === "en" ? entry[1] : entry[0];
}

// `path` under /api/v1, or a whole path the server gave (a receipt's notice).
export async function authorizedBlob(path) {
  const token = await meta("token");
  const response = await fetch(path.startsWith("/api/") ? path : `/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new ApiError(response.status, null);
  return response.blob();
}

export async function downloadPdf(path, filename) {
  const link = h("a", { href: URL.createObjectURL(await authorizedBlob(path)), download: filename });
  document.body.append(link);
  link.click();
  link.remove();
}

// The outlet's findings: fresh from the server when online, else as last seen.
export async function loadFindings() {
  let stored = (await get("lists", "findings")) || { items: [], closedTotal: 0 };
  if (navigator.onLine) {
    try {
      // Every open and awaiting finding; of the closed ones the newest page, with how many there are.
      const [open, responded, closed] = await Promise.all([
        apiAll("/findings?status=open"), apiAll("/findings?status=responded"),
        apiPage(`/findings?status=closed&page_size=${CLOSED_SHOWN}`)]);
      stored = { key: "findings", items: [...open.items, ...responded.items, ...closed.items], closedTotal: closed.total };
      await put("lists", stored);
    } catch (error) { /* offline or refused: show what we have */ }
  }
  const findings = stored.items || [];
  findings.closedTotal = stored.closedTotal ?? findings.filter((f) => f.status === "closed").length;
  return findings;
}

const CLOSED_SHOWN = 50;

// The one thing true of a finding on this phone now: its answer waits, is being sent, could not be
// sent, or else the server's status (the outbox marks a sent answer's finding as responded).
export function findingState(finding, answers) {
  const unsent = answers.find((r) => r.finding_id === finding.id && !r.sent);
  if (unsent?.error) return { key: "send_failed", group: groupOf(finding), detail: unsent.error, local: true };
  if (unsent) return { key: navigator.onLine ? "sending" : "queued", group: groupOf(finding), local: true };
  if (finding.status === "open" && finding.rejection_reason) {
    return { key: "status_returned", group: groupOf(finding), detail: finding.rejection_reason };
  }
  return { key: `status_${finding.status}`, group: groupOf(finding) };
}

// The outlet's own lateness: overdue now, or answered after the deadline. An answer sent in time that
// waits for verification is never shown as late here.
export function lateness(finding) {
  if (finding.status === "open" && finding.overdue) return ` · ${t("overdue")}`;
  return finding.status !== "open" && finding.answered_late ? ` · ${t("answered_late")}` : "";
}

function groupOf(finding) {
  if (finding.status === "open" && finding.overdue) return "overdue";
  return finding.status;
}

const GROUP_ORDER = {
  overdue: (a, b) => String(a.due_date).localeCompare(String(b.due_date)),
  open: (a, b) => String(a.due_date).localeCompare(String(b.due_date)),
  responded: (a, b) => String(b.responded_at || "").localeCompare(String(a.responded_at || "")),
  closed: (a, b) => String(b.closed_at || "").localeCompare(String(a.closed_at || "")),
};

function groupTitle(group) {
  return group === "overdue" ? t("overdue") : t(`status_${group}`);
}

function findingCard(finding, state) {
  return h("article", { class: `assignment finding ${state.group}`, dataset: { id: finding.id, state: state.key } },
    h("div", {}, h("b", {}, finding.title)),
    finding.requirement ? h("div", { class: "requirement" }, `${t("requirement")}：${finding.requirement}`) : null,
    h("div", { class: "muted" }, `${severityLabel(finding.severity)} · ${t("deadline")} ${finding.due_date}`
      + `${lateness(finding)}`),
    h("div", { class: `state state-${state.key}` }, t(state.key)),
    state.detail ? h("div", { class: "reason" }, state.key === "status_returned" ? `${t("return_reason")}：` : "",
      state.detail) : null,
    h("button", { type: "button", class: "primary open-finding", onclick: () => { location.hash = `#/finding/${finding.id}`; } },
      t("view")));
}

function filterBar(counts, redraw) {
  const chips = ["all", ...GROUPS].map((group) => h("button", {
    type: "button", class: `chip ${group === shownGroup ? "on" : ""}`, "aria-pressed": String(group === shownGroup),
    dataset: { group },
    onclick: () => { shownGroup = group; sessionStorage.setItem("osi-finding-filter", group); redraw(); },
  }, `${group === "all" ? t("all") : groupTitle(group)} ${group === "all" ? counts.all : counts[group]}`));
  return h("nav", { class: "chips", "aria-label": t("filter") }, chips);
}

export async function renderFindings() {
  const asked = location.hash;
  const findings = await loadFindings();
  const answers = await myAnswers();
  const byGroup = Object.fromEntries(GROUPS.map((group) => [group, []]));
  let waiting = false;
  for (const finding of findings) {
    const state = findingState(finding, answers);
    waiting ||= Boolean(state.local);
    byGroup[state.group].push([finding, state]);
  }
  const counts = { ...Object.fromEntries(GROUPS.map((g) => [g, byGroup[g].length])) };
  counts.closed = Math.max(counts.closed, findings.closedTotal);
  counts.all = GROUPS.reduce((sum, g) => sum + counts[g], 0);
  const sections = GROUPS.filter((group) => shownGroup === "all" || shownGroup === group).map((group) => {
    const rows = byGroup[group].sort(([a], [b]) => GROUP_ORDER[group](a, b)).map(([f, s]) => findingCard(f, s));
    const older = group === "closed" && counts.closed > rows.length
      ? h("p", { class: "muted older-closed" }, t("closed_newest", { n: rows.length, total: counts.closed })) : null;
    if (group === "closed" && shownGroup === "all") {
      return rows.length ? h("details", { class: "group closed" },
        h("summary", {}, t("show_closed", { n: counts.closed })), rows, older) : null;
    }
    if (!rows.length && shownGroup === "all") return null;
    return h("section", { class: `group ${group}` }, h("h2", {}, `${groupTitle(group)} (${rows.length})`),
      rows.length ? rows : h("p", { class: "muted" }, t("none")), older);
  }).filter(Boolean);
  // The list may arrive after the user has opened a finding: then it is not drawn over that screen.
  if (location.hash !== asked) return;
  show(h("div", { class: "outlet-home", dataset: waiting ? { afterSync: "redraw" } : {} },
    h("nav", { class: "row entries", "aria-label": t("complaints") },
      h("button", { type: "button", class: "primary", id: "record-complaint", onclick: () => { location.hash = "#/complaints/new"; } },
        `＋ ${t("new_complaint")}`),
      h("button", { type: "button", id: "open-complaints", onclick: () => { location.hash = "#/complaints"; } }, t("complaints"))),
    h("div", { class: "row spread" }, h("h1", {}, t("findings")),
      h("button", { type: "button", id: "open-notices", onclick: () => { location.hash = "#/notices"; } }, t("notices"))),
    filterBar(counts, renderFindings),
    sections.length ? sections : h("p", { class: "muted" }, t("none"))));
}

export async function myAnswers() {
  const user = await meta("user");
  return (await all("responses")).filter((r) => r.user === user?.id);
}

export async function renderNotices() {
  let notices = (await get("lists", "notices"))?.items || [];
  if (navigator.onLine) {
    try {
      notices = (await apiAll("/notices")).items;
      await put("lists", { key: "notices", items: notices });
    } catch (error) { /* offline or refused: show what we have */ }
  }
  const rows = notices.map((notice) => h("article", { class: "assignment notice", dataset: { id: notice.id } },
    h("div", {}, h("b", {}, notice.number)),
    h("div", { class: "muted" }, `${notice.outlet_name} · ${t("issued")} ${when(notice.issued_at)}`),
    h("button", { type: "button", class: "primary download-notice",
      onclick: () => downloadPdf(notice.pdf_path || `/inspections/${notice.inspection_uuid}/notice.pdf`, `${notice.number}.pdf`).catch(() => {}) },
    t("download_pdf"))));
  show(h("button", { type: "button", class: "link", onclick: () => { location.hash = "#/"; } }, `‹ ${t("home")}`),
    h("h1", {}, t("notices")), rows.length ? rows : h("p", { class: "muted" }, t("none")));
}
