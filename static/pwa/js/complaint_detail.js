// One complaint: what was recorded (the customer as the server shows them to this reader), its photos, its
// timeline, and for its handler the next step or the escalation to the sub-branch. Steps need the network:
// they are taken at once, never queued, because each depends on the complaint's state on the server.
import { api, ApiError, NetworkError } from "./api.js";
import { get, put } from "./db.js";
import { h, show, when } from "./dom.js";
import { t } from "./i18n.js";
import { authorizedBlob } from "./outlet.js";

const NEXT_STEP = { received: "acknowledge", acknowledged: "investigate", investigated: "resolve",
  resolved: "call_back", called_back: "close" };
const NOTE_NEEDED = ["investigate", "resolve", "call_back"];

function row(title, value, id = null) {
  return h("div", { class: "fact", id }, h("dt", {}, title), h("dd", {}, value || "—"));
}

// Thumbnails fetched with the token; a tap shows the display copy over the screen.
function photoStrip(photos) {
  const strip = h("div", { class: "photos", id: "complaint-photos" });
  for (const photo of photos || []) {
    authorizedBlob(photo.thumb_url).then((blob) => strip.append(h("button", { type: "button", class: "photo-open",
      "aria-label": t("c_photos"), onclick: () => enlarge(photo) },
    h("img", { class: "thumb", alt: t("c_photos"), src: URL.createObjectURL(blob) })))).catch(() => {});
  }
  return strip;
}

async function enlarge(photo) {
  const blob = await authorizedBlob(photo.url).catch(() => null);
  if (!blob) return;
  const dialog = h("dialog", { class: "photo-view", "aria-label": t("c_photos") },
    h("img", { alt: t("c_photos"), src: URL.createObjectURL(blob) }),
    h("button", { type: "button", class: "primary", onclick: () => dialog.close() }, t("back")));
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

function timeline(events) {
  return h("section", { class: "card" }, h("h2", {}, t("c_timeline")),
    h("ol", { class: "history", id: "timeline" }, [...events].reverse().map((event) =>
      h("li", { class: `event event-${event.action}` },
        h("div", { class: "event-head" }, h("b", {}, event.label),
          h("span", { class: "muted" }, ` ${when(event.at)}${event.actor ? ` · ${event.actor}` : ""}`)),
        event.note ? h("p", {}, event.note) : null))));
}

function fieldError(id) {
  return h("p", { class: "field-error", id, role: "alert", hidden: true });
}

function say(error, message) {
  error.textContent = message || "";
  error.hidden = !message;
}

// 是 / 否 as the inspection form's answer buttons: large enough for a thumb, and pressed until changed.
function yesNo(name, title) {
  const error = fieldError(`${name}-error`);
  let chosen = null;
  const buttons = [[true, t("yes")], [false, t("no")]].map(([value, text]) => h("button", {
    type: "button", class: "choice", "aria-pressed": "false", dataset: { value: String(value) },
    onclick: () => {
      chosen = value;
      for (const button of buttons) {
        const on = button.dataset.value === String(value);
        button.classList.toggle("on", on);
        button.setAttribute("aria-pressed", String(on));
      }
      say(error, "");
    } }, text));
  const group = h("div", { class: "yes-no", id: name, role: "group", "aria-labelledby": `${name}-title`,
    "aria-describedby": `${name}-error` },
  h("p", { class: "yes-no-title", id: `${name}-title` }, title), h("div", { class: "choices" }, buttons), error);
  return { group, error, value: () => chosen };
}

// The server's refusal, on the form: its sentence, and each field's message next to the field.
function refused(error, formError, fieldErrors) {
  const errors = error instanceof ApiError ? (error.body.errors?.json || error.body.errors || {}) : {};
  say(formError, error instanceof NetworkError ? t("c_offline_step") : error.message);
  for (const [name, target] of Object.entries(fieldErrors)) {
    say(target, Array.isArray(errors[name]) ? errors[name].join(" ") : "");
  }
}

function stepForm(complaint, redraw) {
  const step = complaint.next_step || NEXT_STEP[complaint.status];
  const note = h("textarea", { rows: 3, id: "step-note", "aria-describedby": "step-note-error" });
  const noteError = fieldError("step-note-error");
  const upheld = step === "investigate" ? yesNo("upheld", t("c_is_upheld")) : null;
  const satisfied = step === "call_back" ? yesNo("satisfied", t("c_is_satisfied")) : null;
  const formError = fieldError("step-error");
  const button = h("button", { type: "submit", class: "primary big", id: "take-step" }, t(`step_${step}`));
  return h("form", { class: "card", id: "step-form", dataset: { step }, novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const missingNote = NOTE_NEEDED.includes(step) && !note.value.trim();
    say(noteError, missingNote ? t("c_need_note") : "");
    for (const choice of [upheld, satisfied].filter(Boolean)) say(choice.error, choice.value() === null ? t("c_need_answer") : "");
    if (missingNote || [upheld, satisfied].some((c) => c && c.value() === null)) return;
    button.disabled = true;
    const body = { step, note: note.value.trim() };
    if (upheld) body.upheld = upheld.value();
    if (satisfied) body.satisfied = satisfied.value();
    try {
      const moved = await api(`/complaints/${complaint.id}/steps`, { method: "POST", json: body });
      await redraw(moved);
    } catch (error) {
      button.disabled = false;
      refused(error, formError, { note: noteError, ...(upheld ? { upheld: upheld.error } : {}),
        ...(satisfied ? { satisfied: satisfied.error } : {}) });
    }
  } }, h("h2", {}, `${t("c_next_step")}：${t(`step_${step}`)}`),
  upheld?.group, satisfied?.group, satisfied ? h("p", { class: "muted" }, t("c_unhappy_reopens")) : null,
  h("label", { for: "step-note" }, step === "acknowledge" || step === "close" ? t("c_note") : t(`c_note_${step}`)),
  note, noteError, formError, button);
}

function escalationForm(complaint, redraw) {
  const reason = h("textarea", { rows: 2, id: "escalation-reason", "aria-describedby": "escalation-reason-error" });
  const reasonError = fieldError("escalation-reason-error");
  const formError = fieldError("escalation-error");
  const button = h("button", { type: "submit", id: "escalate" }, t("c_escalate"));
  return h("details", { class: "card escalation" }, h("summary", {}, t("c_escalate")),
    h("form", { id: "escalation-form", novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      say(reasonError, reason.value.trim() ? "" : t("c_need_reason"));
      if (!reason.value.trim()) return;
      button.disabled = true;
      try {
        await api(`/complaints/${complaint.id}/escalation`, { method: "POST", json: { reason: reason.value.trim() } });
        await redraw(null);
      } catch (error) {
        button.disabled = false;
        refused(error, formError, { reason: reasonError });
      }
    } }, h("label", { for: "escalation-reason" }, t("c_reason")), reason, reasonError, formError, button));
}

function facts(c) {
  return h("dl", { class: "card facts" },
    row(t("c_outlet"), c.outlet?.name), row(t("staff"), c.staff?.name),
    row(t("c_channel"), c.labels.channel), row(t("c_category"), c.labels.category),
    row(t("c_severity"), c.labels.severity), row(t("c_customer"), c.customer_name, "complaint-customer"),
    row(t("c_phone"), c.customer_phone, "complaint-phone"), row(t("c_description_short"), c.description),
    row(t("c_request"), c.request), row(t("c_received_on"), c.received_on),
    row(t("c_step_due"), c.status === "closed" ? "" : c.step_due_on), row(t("c_due"), c.due_on),
    row(t("c_handler"), c.handler?.name || t("c_no_handler"), "complaint-handler"),
    c.upheld === null || c.upheld === undefined ? null : row(t("c_is_upheld"), t(c.upheld ? "c_upheld" : "c_not_upheld")),
    c.findings_text ? row(t("c_note_investigate"), c.findings_text) : null,
    c.resolution ? row(t("c_note_resolve"), c.resolution) : null);
}

async function load(id) {
  const key = `complaint-${id}`;
  try {
    const complaint = await api(`/complaints/${id}`);
    await put("lists", { key, item: complaint });
    return { complaint, offline: false };
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    return { complaint: (await get("lists", key))?.item || null, offline: true };
  }
}

export async function renderComplaint(id) {
  const asked = location.hash;
  let found;
  try {
    found = await load(id);
  } catch (error) {
    show(h("button", { type: "button", class: "link", onclick: () => { location.hash = "#/complaints"; } }, `‹ ${t("complaints")}`),
      h("p", { class: "error", role: "alert" }, error.message));
    return;
  }
  const { complaint: c, offline } = found;
  if (location.hash !== asked) return;
  if (!c) { location.hash = "#/complaints"; return; }
  const redraw = async () => { await renderComplaint(id); document.getElementById("complaint-status")?.focus(); };
  const open = c.status !== "closed";
  show(h("button", { type: "button", class: "link", onclick: () => { location.hash = "#/complaints"; } }, `‹ ${t("complaints")}`),
    h("h1", { class: "number" }, c.number),
    h("div", { class: "row tags", id: "complaint-status", tabindex: "-1", dataset: { status: c.status } },
      h("span", { class: `tag status-${c.status}` }, c.labels.status),
      c.overdue ? h("span", { class: "tag overdue" }, t("c_overdue")) : null,
      h("span", { class: "tag" }, c.labels.level),
      c.reopen_count ? h("span", { class: "tag" }, t("c_reopened", { n: c.reopen_count })) : null),
    offline ? h("p", { class: "muted" }, t("c_offline_list")) : null,
    facts(c), c.photos?.length ? photoStrip(c.photos) : null,
    open && c.can?.handle && (c.next_step || NEXT_STEP[c.status]) ? (offline ? h("p", { class: "muted" }, t("c_offline_step")) : stepForm(c, redraw)) : null,
    open && c.can?.escalate && !offline ? escalationForm(c, redraw) : null,
    timeline(c.events || []));
}
