// Outlet mode: the outlet's findings, the notice PDFs, and answers with after-photos. Answers wait
// in IndexedDB like inspections do, and go out through the same flush.
import { api, ApiError } from "./api.js";
import { all, get, meta, put } from "./db.js";
import { h, show } from "./dom.js";
import { t } from "./i18n.js";
import { sha256, shrink } from "./photos.js";

const STATUS = { open: ["待整改", "Open"], responded: ["待验证", "Awaiting check"], closed: ["已关闭", "Closed"] };
const SEVERITY = { critical: ["严重", "Critical"], major: ["一般", "Major"], minor: ["轻微", "Minor"] };

function pick(table, key) {
  const entry = table[key] || [key, key];
  return document.documentElement.lang === "en" ? entry[1] : entry[0];
}

const statusLabel = (status) => pick(STATUS, status);
const severityLabel = (severity) => pick(SEVERITY, severity);

async function authorizedBlob(path) {
  const token = await meta("token");
  const response = await fetch(`/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new ApiError(response.status, null);
  return response.blob();
}

export async function renderFindings() {
  let findings = (await get("lists", "findings"))?.items || [];
  if (navigator.onLine) {
    try {
      findings = await api("/findings");
      await put("lists", { key: "findings", items: findings });
    } catch (error) { /* offline or refused: show what we have */ }
  }
  const queued = new Set((await all("responses")).filter((r) => !r.sent).map((r) => r.finding_id));
  const rows = findings.map((f) => h("article", { class: `assignment finding ${f.overdue ? "overdue" : ""}`, dataset: { id: f.id } },
    h("div", {}, h("b", {}, f.title)),
    h("div", { class: "muted" }, `${severityLabel(f.severity)} · ${t("deadline")} ${f.due_date}${f.overdue ? ` · ${t("overdue")}` : ""}`),
    h("div", {}, queued.has(f.id) ? t("queued") : statusLabel(f.status)),
    h("button", { type: "button", class: "primary open-finding", onclick: () => { location.hash = `#/finding/${f.id}`; } }, t("view"))));
  show(h("h1", {}, t("findings")), rows.length ? rows : h("p", { class: "muted" }, t("none")));
}

export async function renderFinding(id, scheduleSync) {
  const findings = (await get("lists", "findings"))?.items || [];
  const finding = findings.find((f) => f.id === Number(id));
  if (!finding) { location.hash = "#/"; return; }
  const photos = h("div", { class: "photos" });
  if (navigator.onLine) {
    for (const photoId of finding.photo_ids) {
      authorizedBlob(`/findings/${finding.id}/photos/${photoId}?variant=thumb`)
        .then((blob) => photos.append(h("img", { class: "thumb", alt: "", src: URL.createObjectURL(blob) }))).catch(() => {});
    }
  }
  const pending = (await all("responses")).find((r) => r.finding_id === finding.id && !r.sent);
  const draftPhotos = [];
  const text = h("textarea", { rows: 4, id: "response-text", placeholder: t("what_was_done") });
  const strip = h("div", { class: "photos" });
  const input = h("input", { type: "file", accept: "image/*", capture: "environment", class: "file", id: "after-photo",
    onchange: async () => {
      for (const file of input.files) {
        const blob = await shrink(file);
        draftPhotos.push({ uuid: crypto.randomUUID(), blob, sha256: await sha256(blob) });
        strip.append(h("img", { class: "thumb", alt: "", src: URL.createObjectURL(blob) }));
      }
    } });
  const form = finding.status === "open" && !pending ? h("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    if (!text.value.trim() || !draftPhotos.length) return;
    await put("responses", { uuid: crypto.randomUUID(), user: (await meta("user")).id, finding_id: finding.id,
      text: text.value.trim(), photos: draftPhotos, created_at: new Date().toISOString(), sent: false });
    scheduleSync(0);
    location.hash = "#/";
  } }, h("h2", {}, t("respond")), text, h("label", { class: "photo-button" }, input, `＋ ${t("add_photo")}`), strip,
  h("button", { type: "submit", class: "primary big", id: "send-response" }, t("submit"))) : null;
  const notice = h("button", { type: "button", id: "notice", onclick: async () => {
    const blob = await authorizedBlob(`/inspections/${finding.inspection_uuid}/notice.pdf`);
    const link = h("a", { href: URL.createObjectURL(blob), download: `notice-${finding.id}.pdf` });
    document.body.append(link);
    link.click();
    link.remove();
  } }, t("download_notice"));
  show(h("button", { type: "button", class: "link", onclick: () => { location.hash = "#/"; } }, `‹ ${t("home")}`),
    h("h1", {}, finding.title),
    h("p", { class: "muted" }, `${severityLabel(finding.severity)} · ${t("deadline")} ${finding.due_date} · ${statusLabel(finding.status)}`),
    h("section", { class: "card" }, h("p", {}, finding.requirement), finding.note ? h("p", { class: "muted" }, finding.note) : null, photos, notice),
    pending ? h("p", { class: "muted" }, t("queued")) : form);
}
