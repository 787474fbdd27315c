// The person's drafts as the server holds them, on every device of theirs: drafts started elsewhere and
// reports sent back for revision come in; the device's own unsent edits are never overwritten by them.
// Two devices editing one item: the later edit wins (the sync protocol's rule), and the device that lost
// is told which items now hold the other device's answer.
import { api, apiPage, ApiError } from "./api.js";
import { all, byIndex, del, get, meta, put, setMeta, update } from "./db.js";

function answersByKey(answers) {
  return Object.fromEntries((answers || []).map((a) => [a.item_key, {
    item_key: a.item_key, value: a.value ?? null, note: a.note || "", staff_id: a.staff_id ?? null,
    staff_description: a.staff_description || "", photo_ids: a.photo_ids || [], updated_at: a.updated_at,
  }]));
}

function unsent(draft) {
  return (draft.rev || 0) > (draft.synced_rev || 0) || Boolean(draft.submit_requested);
}

function later(a, b) { return Date.parse(a || 0) > Date.parse(b || 0); }

function sameAnswer(a, b) {
  return JSON.stringify([a.value ?? null, a.note || "", a.staff_id ?? null, a.staff_description || "", a.photo_ids || []])
    === JSON.stringify([b.value ?? null, b.note || "", b.staff_id ?? null, b.staff_description || "", b.photo_ids || []]);
}

function titleOf(held, assignments) {
  const assignment = assignments.find((a) => a.id === held.assignment_id);
  if (!assignment) return held.outlet_name || "";
  return `${assignment.outlet_name}${assignment.staff_label ? ` · ${assignment.staff_label}` : ""}`;
}

// What the server holds, as the device keeps it: nothing in it is waiting to be sent.
function serverFields(held) {
  return {
    answers: answersByKey(held.answers), narrative: held.narrative || "", started_at: held.started_at,
    finished_at: held.finished_at, status: "draft", receipt: null, revision_reason: held.revision_reason || "",
    server: { status: held.status, photos_received: held.photos_received }, server_revision: held.revision,
    error: null,
  };
}

export function fromServer(held, user, title) {
  return {
    uuid: held.uuid, user: user.id, checklist_version_id: held.checklist_version_id, outlet_id: held.outlet_id,
    assignment_id: held.assignment_id ?? null, staff_id: held.staff_id ?? null, location: null, title,
    rev: 0, synced_rev: 0, changed_at: null, submit_requested: null, conflicts: [], ...serverFields(held),
  };
}

async function serverDrafts() {
  const drafts = [];
  for (let page = 1; page; ) {
    const { items, next } = await apiPage(`/drafts?page=${page}&page_size=100`);
    drafts.push(...items);
    page = next;
  }
  return drafts;
}

// Brings the server's drafts onto this device; a local copy with unsent edits keeps them (its next
// send merges the two, item by item). Returns the checklist versions the drafts need.
export async function pullDrafts(assignments) {
  const user = await meta("user");
  const held = await serverDrafts();
  for (const draft of held) {
    const title = titleOf(draft, assignments);
    await update("drafts", draft.uuid, (local) => {
      if (!local) return fromServer(draft, user, title);
      if (local.status === "submitted") return { ...local, ...serverFields(draft), submit_requested: null };
      if (unsent(local)) return { ...local, revision_reason: draft.revision_reason || "" };
      if (local.server_revision === draft.revision && local.server) return undefined;
      return { ...local, ...serverFields(draft) };
    });
    const started = (await all("drafts")).find((d) => d.user === user.id && d.uuid !== draft.uuid
      && draft.assignment_id && d.assignment_id === draft.assignment_id && d.status !== "submitted" && !d.server);
    if (started) await joinOpenDraft(started, draft.uuid, draft);  // started here offline, never sent
  }
  await forgetClosed(new Set(held.map((d) => d.uuid)), user);
  return new Set(held.map((d) => d.checklist_version_id));
}

// A copy the server no longer lists among the open drafts was submitted from another device: once this
// device has nothing of it left to send, and the server confirms, the copy goes.
async function forgetClosed(open, user) {
  for (const local of await all("drafts")) {
    if (local.user !== user.id || local.status === "submitted" || open.has(local.uuid) || !local.server || unsent(local)) continue;
    const photos = await byIndex("photos", "inspection", local.uuid);
    if (photos.some((p) => !p.uploaded)) continue;
    let status;
    try {
      status = (await api(`/inspections/${local.uuid}`)).status;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) continue;
    }
    if (status === "draft") continue;
    await del("drafts", local.uuid);
    for (const photo of photos) await del("photos", photo.uuid);
  }
}

// After a send: the server's copy is the two devices' edits merged. Items edited here since the send are
// kept as they are (they go out next); items where another device's later edit won take that edit.
export function mergeSent(current, held, sent, sentRev) {
  const answers = { ...(current.answers || {}) };
  const conflicts = new Set(current.conflicts || []);
  for (const theirs of Object.values(answersByKey(held.answers))) {
    const mine = answers[theirs.item_key];
    const sentOne = sent[theirs.item_key];
    if (mine && (!sentOne || mine.updated_at !== sentOne.updated_at)) continue;  // edited again here: unsent
    if (mine && !later(theirs.updated_at, mine.updated_at)) continue;
    if (sentOne && !sameAnswer(sentOne, theirs)) conflicts.add(theirs.item_key);
    answers[theirs.item_key] = theirs;
  }
  const untouched = (current.rev || 0) === sentRev;
  return {
    ...current, answers, conflicts: [...conflicts],
    synced_rev: Math.max(current.synced_rev || 0, sentRev),
    server: { status: held.status, photos_received: held.photos_received },
    server_revision: untouched ? held.revision : current.server_revision,
    ...(untouched ? { narrative: held.narrative || current.narrative || "", started_at: held.started_at,
      finished_at: held.finished_at } : {}),
    error: null,
  };
}

// This device started an assignment (offline) that already has an open draft of the same person: its
// work moves into that draft, item by item the later edit winning, and is sent there.
export async function joinOpenDraft(draft, uuid, held = null) {
  const server = held || await api(`/inspections/${uuid}`);
  const user = await meta("user");
  const base = (await get("drafts", uuid)) || fromServer(server, user, draft.title);
  const answers = { ...base.answers };
  for (const mine of Object.values(draft.answers || {})) {
    const theirs = answers[mine.item_key];
    if (!theirs || later(mine.updated_at, theirs.updated_at)) answers[mine.item_key] = mine;
  }
  await put("drafts", { ...base, answers, narrative: draft.narrative || base.narrative, location: draft.location || base.location,
    rev: (base.synced_rev || 0) + 1, changed_at: draft.changed_at || new Date().toISOString(),
    submit_requested: draft.submit_requested || base.submit_requested || null, error: null });
  for (const photo of await byIndex("photos", "inspection", draft.uuid)) await put("photos", { ...photo, inspection: uuid });
  await setMeta(`moved-${draft.uuid}`, uuid);
  await del("drafts", draft.uuid);
}
