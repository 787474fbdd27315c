// One finding on the outlet's phone: what was found, why an answer came back, the whole thread
// (answers with after-photos, verdicts with reasons), and the form for the next answer.
import { apiPage } from "./api.js";
import { get, meta, put } from "./db.js";
import { h, show, when } from "./dom.js";
import { t } from "./i18n.js";
import { authorizedBlob, downloadPdf, findingState, lateness, myAnswers, severityLabel } from "./outlet.js";
import { sha256, shrink } from "./photos.js";

const HISTORY_PAGE = 10;

function thumbs(findingId, photoIds) {
  const strip = h("div", { class: "photos" });
  if (!navigator.onLine) return strip;
  for (const photoId of photoIds) {
    authorizedBlob(`/findings/${findingId}/photos/${photoId}?variant=thumb`)
      .then((blob) => strip.append(h("img", { class: "thumb", alt: t("photos"), src: URL.createObjectURL(blob) })))
      .catch(() => {});
  }
  return strip;
}

function historyEntry(findingId, event) {
  return h("li", { class: `event event-${event.kind}` },
    h("div", { class: "event-head" }, h("b", {}, t(`event_${event.kind}`)),
      h("span", { class: "muted" }, ` ${when(event.at)}${event.by ? ` · ${event.by}` : ""}`)),
    event.text ? h("p", { class: event.kind === "rejected" ? "reason" : "" },
      event.kind === "rejected" ? `${t("return_reason")}：` : "", event.text) : null,
    // The evidence of the finding itself is shown above the thread already.
    event.kind !== "raised" && event.photo_ids.length ? thumbs(findingId, event.photo_ids) : null);
}

// The thread, newest first, a page at a time; offline, its first page as last seen.
function historySection(finding) {
  const list = h("ol", { class: "history", id: "history" });
  const section = h("section", { class: "card" }, h("h2", {}, t("history")), list);
  const more = h("button", { type: "button", id: "history-more", hidden: true }, t("earlier"));
  section.append(more);
  const key = `history-${finding.id}`;
  const showPage = async (page) => {
    let events;
    let next = null;
    try {
      const result = await apiPage(`/findings/${finding.id}/history?page=${page}&page_size=${HISTORY_PAGE}`);
      ({ items: events, next } = result);
      if (page === 1) await put("lists", { key, items: events });
    } catch (error) {
      if (page > 1) return;
      events = (await get("lists", key))?.items || [];
      section.insertBefore(h("p", { class: "muted" }, t("history_offline")), list);
    }
    list.append(...events.map((event) => historyEntry(finding.id, event)));
    more.hidden = !next;
    more.onclick = () => { more.hidden = true; showPage(next); };
  };
  showPage(1);
  return section;
}

function fieldError(id) {
  return h("p", { class: "field-error", id, role: "alert", hidden: true });
}

function responseForm(finding, scheduleSync) {
  const draftPhotos = [];
  const text = h("textarea", { rows: 4, id: "response-text", placeholder: t("what_was_done"),
    "aria-describedby": "response-text-error" });
  const textError = fieldError("response-text-error");
  const photoError = fieldError("after-photo-error");
  const strip = h("div", { class: "photos" });
  const mark = (field, error, message) => {
    error.textContent = message || "";
    error.hidden = !message;
    field.toggleAttribute("aria-invalid", Boolean(message));
  };
  const input = h("input", { type: "file", accept: "image/*", capture: "environment", class: "file", id: "after-photo",
    "aria-describedby": "after-photo-error",
    onchange: async () => {
      for (const file of input.files) {
        const blob = await shrink(file);
        draftPhotos.push({ uuid: crypto.randomUUID(), blob, sha256: await sha256(blob) });
        strip.append(h("img", { class: "thumb", alt: t("photos"), src: URL.createObjectURL(blob) }));
      }
      if (draftPhotos.length) mark(input, photoError, "");
    } });
  text.addEventListener("input", () => { if (text.value.trim()) mark(text, textError, ""); });
  return h("form", { class: "card", id: "response-form", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    mark(text, textError, text.value.trim() ? "" : t("need_text"));
    mark(input, photoError, draftPhotos.length ? "" : t("need_photo"));
    if (!text.value.trim()) { text.focus(); return; }
    if (!draftPhotos.length) { photoError.scrollIntoView({ block: "center" }); return; }
    await put("responses", { uuid: crypto.randomUUID(), user: (await meta("user")).id, finding_id: finding.id,
      text: text.value.trim(), photos: draftPhotos, created_at: new Date().toISOString(), sent: false });
    scheduleSync(0);
    location.hash = "#/";
  } }, h("h2", {}, t("respond")), h("label", { for: "response-text" }, t("what_was_done")), text, textError,
  h("label", { class: "photo-button" }, input, `＋ ${t("add_photo")}`), photoError, strip,
  h("button", { type: "submit", class: "primary big", id: "send-response" }, t("submit")));
}

export async function renderFinding(id, scheduleSync) {
  const findings = (await get("lists", "findings"))?.items || [];
  const finding = findings.find((f) => f.id === Number(id));
  if (!finding) { location.hash = "#/"; return; }
  const state = findingState(finding, await myAnswers());
  const notice = h("button", { type: "button", id: "notice",
    onclick: () => downloadPdf(finding.inspection_uuid ? `/inspections/${finding.inspection_uuid}/notice.pdf`
      : `/notices/${finding.notice_id}/notice.pdf`, `notice-${finding.id}.pdf`).catch(() => {}) },
  t("download_notice"));
  const answerable = finding.status === "open" && !state.local;
  show(h("button", { type: "button", class: "link", onclick: () => { location.hash = "#/"; } }, `‹ ${t("home")}`),
    h("h1", {}, finding.title),
    h("p", { class: "muted" }, `${severityLabel(finding.severity)} · ${t("deadline")} ${finding.due_date}`
      + `${lateness(finding)}`),
    h("p", { class: `state state-${state.key}`, id: "finding-state", dataset: state.local ? { afterSync: "redraw" } : {} },
      t(state.key)),
    state.detail ? h("p", { class: "returned", id: "return-reason" },
      state.key === "status_returned" ? h("b", {}, `${t("return_reason")}：`) : null, state.detail) : null,
    h("section", { class: "card" },
      h("p", { class: "requirement", id: "requirement" }, h("b", {}, `${t("requirement")}：`), finding.requirement),
      finding.note ? h("p", { class: "muted" }, finding.note) : null,
      thumbs(finding.id, finding.photo_ids), notice),
    answerable ? responseForm(finding, scheduleSync) : null,
    historySection(finding));
}
