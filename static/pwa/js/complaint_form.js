// 投诉登记 on the phone: the outlet is the manager's own, the staff member is picked from the outlet's list,
// the photos are taken with the camera. What is saved stays on the device until the server has it.
import { api } from "./api.js";
import { del, get, meta, put } from "./db.js";
import { h, show } from "./dom.js";
import { t } from "./i18n.js";
import { saveIntake } from "./complaint_outbox.js";
import { choiceLabel, loadLabels } from "./complaints.js";
import { sha256, shrink } from "./photos.js";

const CHANNELS = ["walk_in", "hotline", "letter", "online", "regulator"];
const CATEGORIES = ["attitude", "handling", "waiting", "fees", "sales", "facilities", "privacy", "other"];
const SEVERITIES = ["general", "serious"];
const PHONE = /^[0-9+\- ]*$/;
const MAX_PHOTOS = 9;  // what the server takes with one complaint

async function cachedList(key, path) {
  let cached = await get("lists", key);
  if (navigator.onLine) {
    const items = await api(path).catch(() => null);
    if (items) await put("lists", (cached = { key, items }));
  }
  return cached?.items || [];
}

function localDay(moment = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
}

function field(id, title, control, hint = null) {
  const error = h("p", { class: "field-error", id: `${id}-error`, role: "alert", hidden: true });
  control.id = id;
  control.setAttribute("aria-describedby", `${id}-error`);
  return { error, control, node: h("div", { class: "field", dataset: { key: id } },
    h("label", { for: id }, title), control, hint, error) };
}

function choices(kind, values, chosen, withBlank = true) {
  return h("select", {}, withBlank ? h("option", { value: "" }, t("c_need_choice")) : null,
    values.map((value) => h("option", { value, selected: value === chosen ? true : null }, choiceLabel(kind, value))));
}

function mark(entry, message) {
  entry.error.textContent = message || "";
  entry.error.hidden = !message;
  entry.control.toggleAttribute("aria-invalid", Boolean(message));
}

// `previous`: an intake the server refused, opened again to be corrected (it keeps its uuid and photos).
export async function renderComplaintForm(scheduleSync, previous = null) {
  const user = await meta("user");
  await loadLabels();
  // A new uuid even for a corrected intake: the server made nothing under the refused one, and it may be
  // another's (a clash the server refuses); the form's one uuid still makes a double tap one intake.
  const uuid = crypto.randomUUID();
  const body = previous?.body || {};
  const outlets = await cachedList("outlets", "/outlets/");
  const fixedOutlet = user.role === "outlet_manager" ? user.outlet_id : null;
  const outletChoice = fixedOutlet ? null : h("select", {}, outlets.map((o) =>
    h("option", { value: o.id, selected: o.id === body.outlet_id ? true : null }, `${o.code} ${o.name}`)));
  const outletId = () => fixedOutlet || Number(outletChoice.value);
  const staffSelect = h("select", {});
  const fillStaff = async () => {
    const staff = await cachedList(`staff-${outletId()}`, `/staff/?outlet_id=${outletId()}`);
    staffSelect.replaceChildren(h("option", { value: "" }, t("c_no_staff")), ...staff.map((s) =>
      h("option", { value: s.id, selected: s.id === body.staff_id ? true : null }, s.name)));
  };
  await fillStaff();
  outletChoice?.addEventListener("change", fillStaff);

  const entries = {
    staff_id: field("c-staff", t("c_staff"), staffSelect),
    channel: field("c-channel", t("c_channel"), choices("channel", CHANNELS, body.channel)),
    category: field("c-category", t("c_category"), choices("category", CATEGORIES, body.category)),
    severity: field("c-severity", t("c_severity"), choices("severity", SEVERITIES, body.severity || "general", false)),
    customer_name: field("c-customer", t("c_customer"), h("input", { maxlength: 40, autocomplete: "off", value: body.customer_name || "" })),
    customer_phone: field("c-phone", t("c_phone"), h("input", { type: "tel", inputmode: "tel", maxlength: 20, autocomplete: "off",
      value: body.customer_phone || "" })),
    description: field("c-description", t("c_description"), h("textarea", { rows: 4, maxlength: 4000 })),
    request: field("c-request", t("c_request"), h("textarea", { rows: 2, maxlength: 4000 })),
  };
  entries.description.control.value = body.description || "";
  entries.request.control.value = body.request || "";
  for (const [name, message] of Object.entries(previous?.field_errors || {})) {
    if (entries[name]) mark(entries[name], message);
  }

  const photos = [...(previous?.photos || [])];
  const strip = h("div", { class: "photos", id: "c-photo-strip" });
  const addThumb = (blob) => strip.append(h("img", { class: "thumb", alt: t("c_photos"), src: URL.createObjectURL(blob) }));
  photos.forEach((p) => addThumb(p.blob));
  const camera = h("input", { type: "file", accept: "image/*", capture: "environment", class: "file", id: "c-photo",
    multiple: true, onchange: async () => {
      for (const file of camera.files) {
        if (photos.length >= MAX_PHOTOS) break;
        const blob = await shrink(file);
        photos.push({ uuid: crypto.randomUUID(), blob, sha256: await sha256(blob), uploaded: false });
        addThumb(blob);
      }
      camera.value = "";
    } });

  // A field marked wrong is cleared as soon as it is put right.
  for (const [name, entry] of Object.entries(entries)) {
    const recheck = () => { if (!entry.error.hidden && !problems()[name]) mark(entry, ""); };
    entry.control.addEventListener("input", recheck);
    entry.control.addEventListener("change", recheck);
  }
  const problems = () => {
    const found = {};
    if (!entries.channel.control.value) found.channel = t("c_need_choice");
    if (!entries.category.control.value) found.category = t("c_need_choice");
    if (!entries.customer_name.control.value.trim()) found.customer_name = t("c_need_customer");
    if (!PHONE.test(entries.customer_phone.control.value.trim())) found.customer_phone = t("c_bad_phone");
    if (!entries.description.control.value.trim()) found.description = t("c_need_description");
    return found;
  };
  let saving = false;
  const save = h("button", { type: "submit", class: "primary big", id: "c-save" }, t("c_save"));
  const form = h("form", { class: "card", id: "complaint-form", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (saving) return;  // a second tap while the first is being saved
    const found = problems();
    for (const [name, entry] of Object.entries(entries)) mark(entry, found[name]);
    const first = Object.keys(entries).find((name) => found[name]);
    if (first) { entries[first].control.focus(); return; }
    saving = true;
    save.disabled = true;
    const value = (name) => entries[name].control.value.trim();
    const intake = { uuid, user: user.id, created_at: previous?.created_at || new Date().toISOString(), sent: false,
      error: null, field_errors: {}, photos, body: {
        outlet_id: outletId(), channel: value("channel"), category: value("category"), severity: value("severity"),
        customer_name: value("customer_name"), customer_phone: value("customer_phone"), description: value("description"),
        request: value("request"), received_on: body.received_on || localDay(),
        ...(value("staff_id") ? { staff_id: Number(value("staff_id")) } : {}) } };
    await saveIntake(intake);
    if (previous) await del("complaints", previous.uuid);
    scheduleSync(0);
    location.hash = "#/complaints";
  } },
  fixedOutlet ? h("p", { class: "muted", id: "c-outlet" },
    `${t("c_outlet")}：${outlets.find((o) => o.id === fixedOutlet)?.name || ""}`) : null,
  outletChoice ? h("label", {}, t("c_outlet"), outletChoice) : null,
  Object.values(entries).map((entry) => entry.node),
  h("h2", {}, t("c_photos")),
  h("label", { class: "photo-button" }, camera, `＋ ${t("add_photo")}`), strip,
  save);
  show(h("button", { type: "button", class: "link", onclick: () => { location.hash = "#/complaints"; } }, `‹ ${t("complaints")}`),
    h("h1", {}, t("new_complaint")), form);
}
