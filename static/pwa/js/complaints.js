// 我的投诉: the complaints the reader may see, most urgent first as the server orders them, a page at a time;
// above them, what this phone recorded and has not yet sent. Offline, the first page as last seen.
import { apiPage } from "./api.js";
import { del, get, put } from "./db.js";
import { h, show } from "./dom.js";
import { getLanguage, t } from "./i18n.js";
import { myIntakes } from "./complaint_outbox.js";

const PAGE_SIZE = 20;
const KEEP_SENT_DAYS = 7;
const FALLBACK = { channel: "ch", category: "cat", severity: "sev" };
let overdueOnly = sessionStorage.getItem("osi-complaint-overdue") === "1";

// The server's own words for each value, learnt from the complaints it sent (per language), so the form
// names a channel as the list does; the app's words only for a value the server has not yet named.
let learnt = null;

async function learntLabels() {
  if (!learnt || learnt.language !== getLanguage()) {
    learnt = (await get("lists", `complaint-labels-${getLanguage()}`)) || { key: `complaint-labels-${getLanguage()}` };
    learnt.language = getLanguage();
  }
  return learnt;
}

async function learn(items) {
  const known = await learntLabels();
  for (const item of items) {
    for (const kind of ["channel", "category", "severity", "status", "level"]) {
      if (item.labels?.[kind]) known[kind] = { ...(known[kind] || {}), [item[kind]]: item.labels[kind] };
    }
  }
  await put("lists", known);
}

export function choiceLabel(kind, value) {
  return learnt?.language === getLanguage() && learnt[kind]?.[value] ? learnt[kind][value] : t(`${FALLBACK[kind]}_${value}`);
}

export async function loadLabels() { await learntLabels(); }

function chips(item) {
  return h("div", { class: "row tags" },
    h("span", { class: `tag status-${item.status}` }, item.labels.status),
    item.overdue ? h("span", { class: "tag overdue" }, t("c_overdue")) : null,
    item.severity === "serious" ? h("span", { class: "tag serious" }, item.labels.severity) : null,
    h("span", { class: "tag" }, item.labels.level));
}

function complaintCard(item, sentHere) {
  return h("article", { class: `assignment complaint${item.overdue ? " overdue" : ""}`,
    dataset: { id: item.id, status: item.status, ...(sentHere ? { sentHere: "1" } : {}) } },
  h("div", {}, h("b", {}, item.number)),
  chips(item),
  h("div", {}, `${item.labels.category} · ${item.labels.channel} · ${item.customer_name}`),
  h("div", { class: "muted clip" }, item.description),
  h("div", { class: `muted${item.overdue ? " error" : ""}` },
    item.status === "closed" ? `${t("c_received_on")} ${item.received_on}` : `${t("c_step_due")} ${item.step_due_on}`),
  sentHere ? h("div", { class: "state state-sent" }, t("c_sent")) : null,
  h("button", { type: "button", class: "primary open-complaint", onclick: () => { location.hash = `#/complaint/${item.id}`; } },
    t("view")));
}

function intakeCard(intake, scheduleSync) {
  const state = intake.error ? "failed" : "waiting";
  return h("article", { class: `assignment intake ${state}`, dataset: { uuid: intake.uuid, state } },
    h("div", {}, h("b", {}, intake.body.customer_name), ` · ${choiceLabel("category", intake.body.category)}`),
    h("div", { class: "muted clip" }, intake.body.description),
    h("div", { class: `state state-${state === "failed" ? "send_failed" : "queued"}` },
      state === "failed" ? t("c_send_failed") : t("c_saved_waiting")),
    intake.error ? h("p", { class: "reason" }, intake.error) : null,
    intake.error ? h("ul", { class: "reason" }, Object.values(intake.field_errors || {}).filter(Boolean)
      .map((line) => h("li", {}, line))) : null,
    intake.error ? h("div", { class: "row" },
      h("button", { type: "button", class: "primary fix-intake", onclick: () => { location.hash = `#/complaint-fix/${intake.uuid}`; } },
        t("c_fix")),
      h("button", { type: "button", class: "discard-intake", onclick: async () => {
        if (!confirm(t("c_discard_confirm"))) return;
        await del("complaints", intake.uuid);
        scheduleSync(0);
        renderComplaints(scheduleSync);
      } }, t("c_discard"))) : null);
}

async function pruneSent(intakes) {
  const cutoff = Date.now() - KEEP_SENT_DAYS * 86400000;
  for (const intake of intakes) {
    if (intake.sent && Date.parse(intake.sent_at || intake.created_at) < cutoff) await del("complaints", intake.uuid);
  }
}

export async function renderComplaints(scheduleSync) {
  const asked = location.hash;
  await learntLabels();
  const intakes = await myIntakes();
  await pruneSent(intakes);
  const sentHere = new Set(intakes.filter((i) => i.sent).map((i) => i.server_id));
  const unsent = intakes.filter((i) => !i.sent).sort((a, b) => b.created_at.localeCompare(a.created_at));
  const list = h("div", { id: "complaint-list" });
  const count = h("p", { class: "muted", id: "complaint-count" });
  const more = h("button", { type: "button", id: "complaints-more", hidden: true }, t("c_more"));
  const query = `/complaints?page_size=${PAGE_SIZE}${overdueOnly ? "&overdue=true" : ""}`;
  const cacheKey = `complaints${overdueOnly ? "-overdue" : ""}`;
  let shown = 0;
  const showPage = async (page) => {
    let result;
    try {
      result = await apiPage(`${query}&page=${page}`);
      await learn(result.items);
      if (page === 1) await put("lists", { key: cacheKey, items: result.items, total: result.total });
    } catch (error) {
      if (page > 1) { more.hidden = false; return; }
      const cached = await get("lists", cacheKey);
      result = { items: cached?.items || [], total: cached?.total ?? 0, next: null };
      count.before(h("p", { class: "muted", id: "complaints-offline" }, t("c_offline_list")));
      if (!cached) { count.hidden = true; return; }
    }
    shown += result.items.length;
    list.append(...result.items.map((item) => complaintCard(item, sentHere.has(item.id))));
    count.textContent = result.total ? t("c_shown", { n: shown, total: result.total }) : t("none");
    more.hidden = !result.next;
    more.onclick = () => { more.hidden = true; showPage(result.next); };
  };
  const filter = h("nav", { class: "chips", "aria-label": t("filter") }, [[false, t("c_all")], [true, t("c_only_overdue")]]
    .map(([only, text]) => h("button", { type: "button", class: `chip ${only === overdueOnly ? "on" : ""}`,
      "aria-pressed": String(only === overdueOnly), dataset: { overdue: String(only) }, onclick: () => {
        overdueOnly = only;
        sessionStorage.setItem("osi-complaint-overdue", only ? "1" : "0");
        renderComplaints(scheduleSync);
      } }, text)));
  const screen = h("div", { class: "complaints", dataset: unsent.length ? { afterSync: "redraw" } : {} },
    h("button", { type: "button", class: "link", onclick: () => { location.hash = "#/"; } }, `‹ ${t("home")}`),
    h("div", { class: "row spread" }, h("h1", {}, t("complaints")),
      h("button", { type: "button", class: "primary", id: "new-complaint", onclick: () => { location.hash = "#/complaints/new"; } },
        `＋ ${t("new_complaint")}`)),
    unsent.length ? h("section", { class: "group intakes" }, h("h2", {}, `${t("c_unsent")} (${unsent.length})`),
      unsent.map((intake) => intakeCard(intake, scheduleSync))) : null,
    filter, count, list, more);
  await showPage(1);
  if (location.hash !== asked) return;  // another screen was opened while the server answered
  show(screen);
}
