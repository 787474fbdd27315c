// The inspection screen: every item type, conditions, notes, staff, photos, signature, live score.
// Each change is written to IndexedDB at once; the outbox sends it when there is a network.
import { apiBlob } from "./api.js";
import { byIndex, get, put, update } from "./db.js";
import { h, show } from "./dom.js";
import { getLanguage, label, t } from "./i18n.js";
import { sha256, shrink } from "./photos.js";
import { liveScore, scoreText } from "./scoring.js";
import { signaturePad } from "./signature.js";

// Every edit announces itself once it is in IndexedDB, so the outbox counts it and sends it soon.
function saved(result) {
  document.dispatchEvent(new Event("draft-saved"));
  return result;
}

export async function saveAnswer(uuid, key, change) {
  const now = new Date().toISOString();
  return saved(await update("drafts", uuid, (draft) => {
    const answers = draft.answers || {};
    const answer = answers[key] || { item_key: key, value: null, note: "", photo_ids: [] };
    answers[key] = { ...answer, ...change, updated_at: now };
    return { ...draft, answers, rev: (draft.rev || 0) + 1, changed_at: draft.changed_at && draft.rev > (draft.synced_rev || 0) ? draft.changed_at : now };
  }));
}

async function saveDraftField(uuid, change) {
  const now = new Date().toISOString();
  return saved(await update("drafts", uuid, (draft) => ({ ...draft, ...change, rev: (draft.rev || 0) + 1,
    changed_at: draft.rev > (draft.synced_rev || 0) ? draft.changed_at : now })));
}

function visitBlock(uuid, draft, rerender) {
  // A mystery visit records when the shopper arrived and left, and their own account of it.
  const stamp = (field) => async () => { await saveDraftField(uuid, { [field]: new Date().toISOString() }); rerender(); };
  const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : "—");
  // The narrative is asked here only, once: it is the visit's own, not an item of the checklist.
  const narrative = h("textarea", { rows: 6, id: "narrative", maxlength: 10000, "aria-describedby": "narrative-guidance",
    onchange: () => saveDraftField(uuid, { narrative: narrative.value }) });
  narrative.value = draft.narrative || "";
  return h("section", { class: "card visit" },
    h("div", { class: "row" },
      h("button", { type: "button", id: "arrive", onclick: stamp("started_at") }, t("arrive")), `${t("arrived_at")} ${time(draft.started_at)}`),
    h("div", { class: "row" },
      h("button", { type: "button", id: "leave", onclick: stamp("finished_at") }, t("leave")), `${t("left_at")} ${time(draft.finished_at)}`),
    h("div", { id: "item-narrative" },
      h("label", { for: "narrative", class: "item-label" }, t("narrative")),
      h("div", { class: "guidance", id: "narrative-guidance" }, t("narrative_guidance")), narrative));
}

// The visit's narrative, where the kind asks for one, as the review screen lists a missing answer.
function narrativeMissing(version, draft) {
  if (version.kind !== "mystery" || (draft.narrative || "").trim()) return [];
  return [[{ key: "narrative", label: { zh: t("narrative"), en: t("narrative") } }, t("needs_answer")]];
}

export async function addPhoto(uuid, key, blob) {
  const id = crypto.randomUUID();
  await put("photos", { uuid: id, inspection: uuid, item_key: key, blob, sha256: await sha256(blob),
    created_at: new Date().toISOString(), uploaded: false });
  const draft = await get("drafts", uuid);
  const photoIds = [...(draft.answers?.[key]?.photo_ids || []), id];
  await saveAnswer(uuid, key, { photo_ids: photoIds });
  return id;
}

function choiceButtons(name, options, selected, onPick, multiple = false) {
  return h("div", { class: "choices", role: multiple ? "group" : "radiogroup" }, options.map(([value, text]) => {
    const on = multiple ? (selected || []).includes(value) : selected === value;
    return h("button", { type: "button", class: `choice ${on ? "on" : ""} v-${value}`, "aria-pressed": on ? "true" : "false",
      "data-value": value, onclick: () => onPick(value) }, text);
  }));
}

function durationInput(value, onValue, name) {
  const input = h("input", { type: "number", inputmode: "numeric", min: "0", value: value ?? "", class: "num", "aria-label": name,
    onchange: () => onValue(input.value === "" ? null : Number(input.value)) });
  let started = null;
  const button = h("button", { type: "button", class: "timer", onclick: () => {
    if (started === null) {
      started = Date.now();
      button.textContent = t("timer_stop");
      button.classList.add("running");
    } else {
      const seconds = Math.round((Date.now() - started) / 1000);
      started = null;
      input.value = seconds;
      button.textContent = t("timer_start");
      button.classList.remove("running");
      onValue(seconds);
    }
  } }, t("timer_start"));
  return h("div", { class: "row" }, input, h("span", {}, t("seconds")), button);
}

function valueInput(item, answer, onValue) {
  const value = answer?.value ?? null;
  const na = item.allow_na ? [["na", t("na")]] : [];
  switch (item.type) {
    case "check":
      return choiceButtons(item.key, [["pass", t("pass")], ["fail", t("fail")], ...na], value, onValue);
    case "scale":
      return choiceButtons(item.key, [...item.scale.labels.map((l, i) => [i, `${i} ${label(l)}`]), ...na], value, onValue);
    case "choice": {
      const options = item.options.map((o) => [o.key, label(o.label)]);
      if (!item.multiple) return choiceButtons(item.key, [...options, ...na], value, onValue);
      return choiceButtons(item.key, options, Array.isArray(value) ? value : [], (key) => {
        const list = Array.isArray(value) ? [...value] : [];
        const index = list.indexOf(key);
        if (index >= 0) list.splice(index, 1); else list.push(key);
        onValue(list.length ? list : null);
      }, true);
    }
    case "number": {
      const input = h("input", { type: "number", inputmode: "decimal", value: value ?? "", class: "num", "aria-label": label(item.label),
        onchange: () => onValue(input.value === "" ? null : Number(input.value)) });
      return input;
    }
    case "duration":
      return durationInput(value, onValue, label(item.label));
    case "text": {
      const area = h("textarea", { rows: 3, maxlength: item.max_length, "aria-label": label(item.label), onchange: () => onValue(area.value || null) });
      area.value = value || "";
      return area;
    }
    default:
      return null;
  }
}

// Thumbnails of photos taken on another device of this person, fetched once per page load.
const serverThumbs = new Map();

function serverThumb(uuid, id) {
  if (!serverThumbs.has(id)) {
    serverThumbs.set(id, apiBlob(`/inspections/${uuid}/photos/${id}?variant=thumb`).then((blob) => URL.createObjectURL(blob))
      .catch(() => { serverThumbs.delete(id); return null; }));
  }
  return serverThumbs.get(id);
}

async function photoStrip(uuid, item, answer, rerender) {
  const ids = answer?.photo_ids || [];
  const stored = Object.fromEntries((await byIndex("photos", "inspection", uuid)).map((p) => [p.uuid, p]));
  const thumbs = ids.map((id) => {
    const photo = stored[id];
    const img = h("img", { alt: "", class: "thumb", dataset: { photo: id } });
    if (photo?.blob) img.src = URL.createObjectURL(photo.blob);
    else serverThumb(uuid, id).then((url) => { if (url) img.src = url; });
    return img;
  });
  const input = h("input", { type: "file", accept: "image/*", capture: "environment", class: "file", "data-item": item.key,
    onchange: async () => {
      for (const file of input.files) await addPhoto(uuid, item.key, await shrink(file));
      rerender();
    } });
  const pick = h("label", { class: "photo-button" }, input, `＋ ${t("add_photo")}`);
  return h("div", { class: "photos" }, thumbs, pick);
}

function signatureBlock(uuid, item, answer, rerender) {
  if (answer?.photo_ids?.length) return h("p", { class: "ok" }, `✓ ${t("signed")}`);
  const canvas = h("canvas", { class: "signature", "aria-label": t("sign_here") });
  const wrapper = h("div", {}, canvas);
  let pad = null;
  requestAnimationFrame(() => { pad = signaturePad(canvas); });
  wrapper.append(h("div", { class: "row" },
    h("button", { type: "button", onclick: () => pad.clear() }, t("clear")),
    h("button", { type: "button", class: "primary save-signature", onclick: async () => {
      if (!pad || pad.isEmpty()) return;
      await addPhoto(uuid, item.key, await pad.toBlob());
      rerender();
    } }, t("save_signature"))));
  return wrapper;
}

function staffBlock(uuid, item, answer, context, rerender) {
  if (context.staff === null) {
    const input = h("input", { value: answer?.staff_description || "", placeholder: t("staff_desc"),
      onchange: async () => { await saveAnswer(uuid, item.key, { staff_description: input.value }); rerender(); } });
    return input;
  }
  const select = h("select", { class: "staff", onchange: async () => {
    await saveAnswer(uuid, item.key, { staff_id: select.value ? Number(select.value) : null });
    rerender();
  } }, h("option", { value: "" }, `${t("staff")}…`),
  context.staff.map((s) => h("option", { value: s.id, selected: answer?.staff_id === s.id }, `${s.name} · ${s.employee_no}`)));
  return select;
}

let renderCount = 0;

export async function renderInspection(uuid, context) {
  // Renders are async; only the newest may draw, so a slow older one never shows stale answers.
  const mine = ++renderCount;
  document.body.dataset.rendering = "1";
  const draft = await get("drafts", uuid);
  const version = await get("checklists", draft.checklist_version_id);
  const rerender = () => renderInspection(uuid, context);
  const values = Object.fromEntries(Object.values(draft.answers || {}).filter((a) => a.value !== null && a.value !== undefined)
    .map((a) => [a.item_key, a.value]));
  const score = liveScore(version, values);
  const readOnly = draft.status === "submitted" || draft.submit_requested;
  const sections = [];
  for (const section of version.sections) {
    const items = [];
    for (const item of section.items) {
      if (score.hidden.has(item.key)) continue;
      const answer = draft.answers?.[item.key];
      const failed = score.failed.has(item.key);
      const onValue = async (value) => { await saveAnswer(uuid, item.key, { value }); rerender(); };
      const parts = [h("div", { class: "item-label" }, label(item.label), item.points ? h("small", {}, ` ${item.points}分`) : null)];
      if (item.guidance) parts.push(h("div", { class: "guidance" }, label(item.guidance)));
      if (item.type === "signature") parts.push(signatureBlock(uuid, item, answer, rerender));
      else {
        const input = valueInput(item, answer, onValue);
        if (input) parts.push(input);
      }
      if (item.type === "photo" || (item.photo_on_fail && failed) || answer?.photo_ids?.length) {
        if (item.type !== "signature") parts.push(await photoStrip(uuid, item, answer, rerender));
      }
      if (item.attribute_to_staff && failed) parts.push(staffBlock(uuid, item, answer, context, rerender));
      if (!["text", "photo", "signature"].includes(item.type)) {
        const note = h("input", { class: "note", value: answer?.note || "", placeholder: t("note"),
          onchange: () => saveAnswer(uuid, item.key, { note: note.value }) });
        parts.push(note);
      }
      items.push(h("div", { class: `item ${failed ? "failed" : ""}`, id: `item-${item.key}`, dataset: { key: item.key, type: item.type } }, parts));
    }
    sections.push(h("section", { class: "section" }, h("h2", {}, label(section.label)), items));
  }
  const bar = h("div", { class: "scorebar" },
    h("button", { type: "button", class: "link", onclick: () => { location.hash = "#/"; } }, `‹ ${t("home")}`),
    h("span", { class: "live", id: "live-score" }, `${t("live_score")} ${scoreText(score)}`),
    h("button", { type: "button", class: "primary", id: "to-review", onclick: () => { location.hash = `#/review/${uuid}`; } }, t("review")));
  const mystery = version.kind === "mystery";
  const fieldset = h("fieldset", { disabled: readOnly ? true : null },
    mystery ? visitBlock(uuid, draft, rerender) : null, sections);
  if (mine !== renderCount) return;
  const top = document.getElementById("live-top");
  if (top) top.textContent = score.answered ? scoreText(score) : "";
  const revision = draft.revision_reason ? h("p", { class: "error", id: "revision" }, `${t("revision")}: ${draft.revision_reason}`) : null;
  show(bar, h("h1", {}, label(version.name)), h("p", { class: "muted" }, context.subtitle || ""), revision,
    conflictNotice(uuid, version, draft, rerender), fieldset);
  delete document.body.dataset.rendering;
  document.body.dataset.renders = String(Number(document.body.dataset.renders || 0) + 1);
}

// Items where another device's later edit replaced this device's: said once, until the person has read it.
function conflictNotice(uuid, version, draft, rerender) {
  const keys = draft.conflicts || [];
  if (!keys.length) return null;
  const items = version.sections.flatMap((s) => s.items).filter((item) => keys.includes(item.key));
  return h("div", { class: "card notice", id: "conflicts", role: "status" },
    h("p", {}, t("newer_elsewhere"), items.map((item) => label(item.label)).join(getLanguage() === "en" ? ", " : "、")),
    h("button", { type: "button", onclick: async () => {
      await update("drafts", uuid, (d) => d && { ...d, conflicts: [] });
      rerender();
    } }, t("got_it")));
}

export function missingItems(version, draft) {
  const values = Object.fromEntries(Object.values(draft.answers || {}).filter((a) => a.value !== null && a.value !== undefined)
    .map((a) => [a.item_key, a.value]));
  const score = liveScore(version, values);
  const missing = narrativeMissing(version, draft);
  for (const item of version.sections.flatMap((s) => s.items)) {
    if (score.hidden.has(item.key)) continue;
    const answer = draft.answers?.[item.key];
    const photos = answer?.photo_ids?.length || 0;
    if (["photo", "signature"].includes(item.type)) {
      if (item.required && values[item.key] !== "na" && photos < (item.type === "photo" ? item.min_photos : 1)) {
        missing.push([item, t("needs_photo")]);
      }
      continue;
    }
    if (item.required && values[item.key] === undefined) missing.push([item, t("needs_answer")]);
    else if (score.failed.has(item.key)) {
      if (item.photo_on_fail && photos < 1) missing.push([item, t("needs_photo")]);
      if (item.attribute_to_staff && !answer?.staff_id && !answer?.staff_description && !draft.staff_id) {
        missing.push([item, t("needs_staff")]);
      }
    }
  }
  return { missing, score };
}
