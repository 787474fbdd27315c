// The app shell: login, assignments, the inspection, review, receipt; the outbox indicator.
import { api, ApiError, NetworkError } from "./api.js";
import { all, get, meta, put, setMeta, update } from "./db.js";
import { h, show, when } from "./dom.js";
import { fromServer, pullDrafts } from "./drafts.js";
import { missingItems, renderInspection } from "./form.js";
import { scoreText } from "./scoring.js";
import { getLanguage, label, t, toggleLanguage } from "./i18n.js";
import { renderFinding } from "./finding.js";
import { downloadPdf, renderFindings, renderNotices } from "./outlet.js";
import { flush, pending } from "./sync.js";
import { renderComplaints } from "./complaints.js";
import { renderComplaint } from "./complaint_detail.js";
import { renderComplaintForm } from "./complaint_form.js";

const KIND_ORDER = ["onsite", "7s", "remote", "mystery"];
let flushTimer = null;
let indicatorTurn = 0;
let retryDelay = 0;

async function refreshIndicator() {
  // Only the newest count is shown: an older one, read before the last edit was saved, would say 0.
  const turn = ++indicatorTurn;
  const { count, oldest } = await pending();
  const indicator = document.getElementById("outbox");
  if (!indicator || turn !== indicatorTurn) return;
  indicator.textContent = count ? t("unsent", { n: count, t: when(oldest) }) : t("all_sent");
  indicator.title = indicator.textContent; // the whole text, where a phone's status line cuts it short
  indicator.dataset.count = count;
  indicator.classList.toggle("waiting", count > 0);
  document.getElementById("network").textContent = navigator.onLine ? t("online") : t("offline");
}

async function syncNow() {
  let unreachable = false;
  try {
    await flush();
    retryDelay = 0;
  } catch (error) {
    unreachable = error instanceof NetworkError;
    if (!(unreachable || error instanceof ApiError)) console.error(error);
  }
  await refreshIndicator();
  // The phone says it is online before the server can be reached (a weak signal, a waking radio):
  // try again soon, then less and less often, instead of waiting for the minute's round.
  if (unreachable && navigator.onLine) {
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2000, 60000);
    scheduleSync(retryDelay);
  }
  // A screen that showed work as waiting is drawn again, so it never outlives the sending.
  if (document.querySelector("[data-after-sync=redraw]")) route();
  if ("serviceWorker" in navigator && "SyncManager" in window) {
    const { count } = await pending();
    if (count) {
      const registration = await navigator.serviceWorker.ready;
      await registration.sync.register("osi-outbox").catch(() => {});
    }
  }
}

export function scheduleSync(delay = 1200) {
  clearTimeout(flushTimer);
  refreshIndicator();
  flushTimer = setTimeout(() => { if (navigator.onLine) syncNow(); }, delay);
}

const DRAFTING_ROLES = ["admin", "inspector", "remote_monitor", "mystery_shopper"];

async function refreshData() {
  const user = await meta("user");
  if (user.role === "outlet_manager") return;
  const assignments = await api("/assignments");
  await setMeta("assignments", assignments);
  // Drafts started on another device, and reports sent back for revision, come to this one too.
  const drafted = DRAFTING_ROLES.includes(user.role) ? await pullDrafts(assignments).catch(() => new Set()) : new Set();
  const versions = await api("/checklists");
  const wanted = new Set([...versions.map((v) => v.id), ...assignments.map((a) => a.checklist_version_id).filter(Boolean),
    ...drafted]);
  for (const id of wanted) {
    if (!(await get("checklists", id))) await put("checklists", await api(`/checklists/${id}`));
  }
  await setMeta("versions", versions);
  if (user.role !== "mystery_shopper") {
    const outlets = await api("/outlets/").catch(() => []);
    await put("lists", { key: "outlets", items: outlets });
    for (const outletId of new Set(assignments.map((a) => a.outlet_id))) {
      const staff = await api(`/staff/?outlet_id=${outletId}`).catch(() => null);
      if (staff) await put("lists", { key: `staff-${outletId}`, items: staff });
    }
  }
}

function header(user) {
  return h("header", { class: "bar" },
    h("strong", {}, t("app")),
    h("span", { class: "who" }, user ? user.display_name || user.username : ""),
    h("button", { type: "button", class: "link", id: "lang", onclick: () => { toggleLanguage(); route(); } }, t("lang")),
    user ? h("button", { type: "button", class: "link", id: "logout", onclick: logout }, t("logout")) : null);
}

function statusLine() {
  return h("div", { class: "status" },
    h("span", { id: "network" }, ""), h("span", { id: "outbox", "data-count": "0" }, ""), h("span", { id: "live-top" }, ""),
    h("button", { type: "button", id: "sync-now", onclick: syncNow }, t("sync_now")));
}

async function renderLogin(message = "") {
  const username = h("input", { name: "username", autocomplete: "username", required: true });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const form = h("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    try {
      const result = await api("/auth/tokens", { method: "POST", json: { username: username.value, password: password.value, label: "app" } });
      await setMeta("token", result.token);
      await setMeta("user", result.user);
      navigator.storage?.persist?.();
      await refreshData();
      location.hash = "#/";
      route();
    } catch (error) {
      // The server's own sentence says why, in the app's language; only without one does the app say it.
      renderLogin(error instanceof NetworkError ? t("need_online_login")
        : error instanceof ApiError && error.fromServer ? error.message : t("login_failed"));
    }
  } }, h("h1", {}, t("login")), message ? h("p", { class: "error", role: "alert" }, message) : null,
  h("label", {}, t("username"), username), h("label", {}, t("password"), password),
  h("button", { type: "submit", class: "primary", id: "login-button" }, t("login")));
  document.getElementById("top").replaceChildren(header(null));
  show(form);
}

async function logout() {
  const { count } = await pending();
  if (count && !confirm(t("logout_warn", { n: count }))) return;
  const token = await meta("token");
  if (token && navigator.onLine) await api("/auth/tokens/current", { method: "DELETE" }).catch(() => {});
  // Unsent work is kept on the device, tied to its user, and goes out after the next login.
  await setMeta("token", null);
  route();
}

function titleOf(assignment) {
  return `${assignment.outlet_name}${assignment.staff_label ? ` · ${assignment.staff_label}` : ""}`;
}

async function startDraft(assignment) {
  const user = await meta("user");
  const existing = (await all("drafts")).find((d) => d.assignment_id === assignment.id && d.user === user.id);
  if (existing) return existing.uuid;
  const uuid = crypto.randomUUID();
  const now = new Date().toISOString();
  const location = assignment.kind === "mystery" ? await here() : null;
  if (navigator.onLine) {
    // The server gives back the draft another device of this person already started, if there is one.
    try {
      const held = await api(`/assignments/${assignment.id}/start`, { method: "POST", json: { uuid, started_at: now, location } });
      if (!(await get("checklists", held.checklist_version_id))) {
        await put("checklists", await api(`/checklists/${held.checklist_version_id}`));
      }
      await put("drafts", { ...fromServer(held, user, titleOf(assignment)), location });
      return held.uuid;
    } catch (error) {
      if (!(error instanceof NetworkError || error instanceof ApiError)) throw error;
    }
  }
  await put("drafts", { uuid, user: user.id, checklist_version_id: assignment.checklist_version_id, location,
    outlet_id: assignment.outlet_id, assignment_id: assignment.id, staff_id: assignment.staff_id, answers: {},
    status: "draft", rev: 1, synced_rev: 0, started_at: now, changed_at: now, title: titleOf(assignment) });
  scheduleSync();
  return uuid;
}

function kindLabel(kind) { return t(`kind_${kind}`); }

function here() {
  // Where the phone is when a visit starts; the bank compares it with the outlet's position.
  if (!navigator.geolocation) return Promise.resolve(null);
  return new Promise((resolve) => navigator.geolocation.getCurrentPosition(
    (p) => resolve({ latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy }),
    () => resolve(null), { timeout: 8000, maximumAge: 60000 }));
}

async function renderHome() {
  const user = await meta("user");
  if (navigator.onLine) await refreshData().catch(() => {});
  if (!["", "#", "#/"].includes(location.hash)) return;  // another screen was opened while the server answered
  const assignments = (await meta("assignments")) || [];
  const drafts = (await all("drafts")).filter((d) => d.user === user.id);
  // An open draft, wherever it was started, before a submitted one: the assignment is continued, not started again.
  const draftFor = Object.fromEntries(drafts.filter((d) => d.assignment_id)
    .sort((a, b) => (a.status === "submitted" ? 0 : 1) - (b.status === "submitted" ? 0 : 1)).map((d) => [d.assignment_id, d]));
  const sentBack = drafts.filter((d) => d.status !== "submitted" && d.revision_reason);
  const groups = ["overdue", "due", "upcoming", "done"].map((state) => {
    const rows = assignments.filter((a) => a.due_state === state)
      .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
    if (!rows.length) return null;
    return h("section", { class: `group ${state}` }, h("h2", {}, `${t(state)} (${rows.length})`), rows.map((a) => {
      const draft = draftFor[a.id];
      const open = async () => {
        const uuid = draft ? draft.uuid : await startDraft(a);
        location.hash = draft?.status === "submitted" ? `#/receipt/${uuid}` : `#/inspect/${uuid}`;
      };
      // A mystery visit starts only in its window (the server refuses it outside, by its own clock).
      const shut = a.kind === "mystery" && !draft && ["upcoming", "overdue"].includes(a.due_state);
      return h("article", { class: "assignment", dataset: { id: a.id, kind: a.kind } },
        h("div", {}, h("b", {}, kindLabel(a.kind)), " ", a.outlet_name),
        a.staff_label ? h("div", { class: "muted" }, a.staff_label) : null,
        h("div", { class: "muted" }, `${t("window")} ${a.window_start} – ${a.window_end}`),
        shut ? h("p", { class: "error window-shut" }, t(a.due_state === "upcoming" ? "window_not_open" : "window_closed")) : null,
        a.checklist_version_id && a.due_state !== "done" && !shut ? h("button", { type: "button", class: "primary start", onclick: open },
          draft ? (draft.status === "submitted" ? t("view") : t("continue")) : t("start")) : null);
    }));
  }).filter(Boolean);
  const returned = sentBack.map((d) =>
    h("article", { class: "assignment revision-request", dataset: { uuid: d.uuid } },
      h("div", {}, h("b", {}, t("revision")), " ", d.title || ""),
      h("p", { class: "reason" }, `${t("return_reason")}：${d.revision_reason}`),
      d.error ? h("div", { class: "error" }, d.error) : null,
      h("button", { type: "button", class: "primary", onclick: () => { location.hash = `#/inspect/${d.uuid}`; } }, t("revise"))));
  // A draft whose assignment card already offers it is not listed a second time.
  const onCards = new Set(assignments.filter((a) => a.checklist_version_id && a.due_state !== "done")
    .map((a) => draftFor[a.id]?.uuid).filter(Boolean));
  const local = drafts.filter((d) => (!d.assignment_id || d.status !== "submitted") && !sentBack.includes(d)
    && !onCards.has(d.uuid)).map((d) =>
    h("article", { class: "assignment draft", dataset: { uuid: d.uuid } },
      h("div", {}, d.title || d.uuid.slice(0, 8), " · ", d.status === "submitted" ? t("submitted") : t("draft")),
      d.error ? h("div", { class: "error" }, d.error) : null,
      h("button", { type: "button", onclick: () => { location.hash = d.status === "submitted" ? `#/receipt/${d.uuid}` : `#/inspect/${d.uuid}`; } },
        d.status === "submitted" ? t("view") : t("continue"))));
  const canStart = ["inspector", "admin"].includes(user.role);
  show(canStart ? h("p", { class: "row" }, h("button", { type: "button", id: "new-inspection", onclick: () => { location.hash = "#/new"; } }, `+ ${t("new_inspection")}`),
    user.role === "admin" ? h("button", { type: "button", id: "open-complaints", onclick: () => { location.hash = "#/complaints"; } }, t("complaints")) : null) : null,
    returned.length ? h("section", { class: "group sent-back" }, h("h2", {}, `${t("revision")} (${returned.length})`), returned) : null,
    groups.length ? groups : h("p", { class: "muted" }, t("none")),
    local.length ? h("section", { class: "group" }, h("h2", {}, t("my_drafts")), local) : null);
  refreshIndicator();
}

async function renderNew() {
  const user = await meta("user");
  const versions = ((await meta("versions")) || []);
  const outlets = (await get("lists", "outlets"))?.items || [];
  const versionSelect = h("select", { id: "new-version" }, versions.map((v) => h("option", { value: v.id }, `${kindLabel(v.kind)} · ${label(v.name)}`)));
  const outletSelect = h("select", { id: "new-outlet" }, outlets.map((o) => h("option", { value: o.id }, `${o.code} ${o.name}`)));
  show(h("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    const uuid = crypto.randomUUID();
    const now = new Date().toISOString();
    const outlet = outlets.find((o) => o.id === Number(outletSelect.value));
    await put("drafts", { uuid, user: user.id, checklist_version_id: Number(versionSelect.value), outlet_id: outlet.id,
      assignment_id: null, staff_id: null, answers: {}, status: "draft", rev: 1, synced_rev: 0, started_at: now,
      changed_at: now, title: outlet.name });
    scheduleSync();
    location.hash = `#/inspect/${uuid}`;
  } }, h("h1", {}, t("new_inspection")), h("label", {}, t("checklist"), versionSelect), h("label", {}, t("outlet"), outletSelect),
  h("button", { type: "submit", class: "primary" }, t("create"))));
}

async function inspectionContext(draft) {
  const user = await meta("user");
  let staff = null;
  if (user.role !== "mystery_shopper") {
    let cached = await get("lists", `staff-${draft.outlet_id}`);
    if (!cached && navigator.onLine) {
      const items = await api(`/staff/?outlet_id=${draft.outlet_id}`).catch(() => null);
      if (items) await put("lists", (cached = { key: `staff-${draft.outlet_id}`, items }));
    }
    staff = cached?.items || [];
  }
  return { staff, subtitle: draft.title || "" };
}

async function renderReview(uuid) {
  const draft = await get("drafts", uuid);
  const version = await get("checklists", draft.checklist_version_id);
  const { missing, score } = missingItems(version, draft);
  const queued = draft.submit_requested && draft.status !== "submitted";
  show(h("div", { class: "scorebar" }, h("button", { type: "button", class: "link", onclick: () => { location.hash = `#/inspect/${uuid}`; } }, `‹ ${t("back")}`),
    h("span", { class: "live" }, scoreText(score))),
  h("h1", {}, t("review")),
  missing.length ? h("section", { class: "card missing" }, h("h2", {}, t("missing")), h("ul", {}, missing.map(([item, why]) =>
    h("li", {}, h("a", { href: `#/inspect/${uuid}`, onclick: () => setTimeout(() => document.getElementById(`item-${item.key}`)?.scrollIntoView(), 50) }, label(item.label)), ` — ${why}`))))
    : h("p", { class: "ok" }, t("complete")),
  draft.error ? h("p", { class: "error" }, draft.error) : null,
  queued ? h("p", { class: "muted", id: "queued" }, t("queued")) : null,
  h("button", { type: "button", class: "primary big", id: "submit", disabled: missing.length || queued ? true : null, onclick: async () => {
    await update("drafts", uuid, (d) => ({ ...d, submit_requested: new Date().toISOString(), error: null }));
    await syncNow();
    const fresh = await get("drafts", uuid);
    location.hash = fresh.status === "submitted" ? `#/receipt/${uuid}` : `#/review/${uuid}`;
    if (fresh.status !== "submitted") renderReview(uuid);
  } }, t("submit")));
}

async function renderReceipt(uuid) {
  const draft = await get("drafts", uuid);
  const r = draft.receipt;
  if (!r) return renderReview(uuid);
  show(h("section", { class: "card receipt", id: "receipt" }, h("h1", {}, `✓ ${t("receipt")}`),
    h("p", { class: "big" }, `${r.percent}% · ${t("grade")} ${r.grade}`),
    h("p", {}, `${t("score")} ${r.score} / ${r.max_score} · ${t("findings")} ${r.findings.length} · ${t("photos")} ${r.photos}`),
    r.notice ? h("p", { class: "notice-link" }, h("button", { type: "button", id: "receipt-notice",
      onclick: () => downloadPdf(r.notice.url, `${r.notice.number}.pdf`).catch(() => {}) },
    `${t("download_notice")}：${r.notice.number}`)) : null,
    h("p", { class: "muted hash" }, `${t("hash")} ${r.content_hash}`),
    h("p", { class: "muted" }, `${t("server_time")} ${when(r.server_time)}`),
    h("button", { type: "button", class: "primary", onclick: () => { location.hash = "#/"; } }, t("home"))));
}

async function route() {
  const user = await meta("user");
  const token = await meta("token");
  document.documentElement.lang = getLanguage() === "en" ? "en" : "zh-CN";
  if (!token || !user) return renderLogin();
  document.getElementById("top").replaceChildren(header(user), statusLine());
  refreshIndicator();
  const [, screen, arg] = location.hash.split("/");
  if (screen === "inspect" && arg) {
    const draft = await get("drafts", arg);
    if (!draft) {
      // Moved into the draft another device started for the same assignment: that one is opened.
      const moved = await meta(`moved-${arg}`);
      location.hash = moved ? `#/inspect/${moved}` : "#/";
      return;
    }
    return renderInspection(arg, await inspectionContext(draft));
  }
  if (screen === "review" && arg) return renderReview(arg);
  if (screen === "receipt" && arg) return renderReceipt(arg);
  if (screen === "new") return renderNew();
  if (screen === "finding" && arg) return renderFinding(arg, scheduleSync);
  if (screen === "notices") return renderNotices();
  if (screen === "complaints" && arg === "new") return renderComplaintForm(scheduleSync);
  if (screen === "complaints") return renderComplaints(scheduleSync);
  if (screen === "complaint" && arg) return renderComplaint(arg);
  if (screen === "complaint-fix" && arg) return renderComplaintForm(scheduleSync, await get("complaints", arg));
  if (user.role === "outlet_manager") return renderFindings();
  return renderHome();
}

window.addEventListener("hashchange", route);
window.addEventListener("online", () => { refreshIndicator(); syncNow(); });
window.addEventListener("offline", refreshIndicator);
// The outlet's list, seen again after a while (the phone was put away), shows the server's news.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && navigator.onLine && document.querySelector(".outlet-home")) route();
});
document.addEventListener("change", () => scheduleSync());
// A saved edit is waiting from this moment on; the count read next says how many.
document.addEventListener("draft-saved", () => {
  const indicator = document.getElementById("outbox");
  if (indicator && indicator.dataset.count === "0") indicator.dataset.count = "1";
  scheduleSync();
});

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/app/sw.js", { scope: "/app/", type: "module" }).catch((error) => console.warn(error));
  navigator.serviceWorker.addEventListener("message", (event) => { if (event.data === "outbox-flushed") refreshIndicator(); });
}

route().then(() => { if (navigator.onLine) syncNow(); });
setInterval(() => { if (navigator.onLine) syncNow(); }, 60000);
