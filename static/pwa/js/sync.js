// The outbox: what is on the device but not yet on the server, and the flush that sends it.
// Every call of the sync API is idempotent, so a flush interrupted anywhere can simply run again.
import { api, ApiError, NetworkError } from "./api.js";
import { all, byIndex, get, meta, put, update } from "./db.js";
import { joinOpenDraft, mergeSent } from "./drafts.js";
import { flushComplaints, pendingComplaints } from "./complaint_outbox.js";
import { flushResponses, pendingResponses } from "./responses.js";

export function draftBody(draft) {
  return {
    checklist_version_id: draft.checklist_version_id,
    outlet_id: draft.outlet_id,
    assignment_id: draft.assignment_id ?? null,
    staff_id: draft.staff_id ?? null,
    started_at: draft.started_at || null,
    finished_at: draft.finished_at || null,
    narrative: draft.narrative || "",
    location: draft.location || null,
    answers: Object.values(draft.answers || {}).map((a) => ({
      item_key: a.item_key, value: a.value ?? null, note: a.note || "", staff_id: a.staff_id ?? null,
      staff_description: a.staff_description || "", photo_ids: a.photo_ids || [], updated_at: a.updated_at,
    })),
  };
}

async function ownDrafts() {
  const user = await meta("user");
  if (!user) return [];
  return (await all("drafts")).filter((d) => d.user === user.id);
}

export async function pending() {
  const items = [];
  for (const draft of await ownDrafts()) {
    if (draft.status === "submitted") continue;
    if ((draft.rev || 0) > (draft.synced_rev || 0)) items.push({ kind: "draft", at: draft.changed_at });
    for (const photo of await byIndex("photos", "inspection", draft.uuid)) {
      if (!photo.uploaded) items.push({ kind: "photo", at: photo.created_at });
    }
    if (draft.submit_requested) items.push({ kind: "submit", at: draft.submit_requested });
  }
  items.push(...(await pendingResponses()), ...(await pendingComplaints()));
  const oldest = items.reduce((min, item) => (!min || item.at < min ? item.at : min), null);
  return { count: items.length, oldest };
}

async function sendDraft(draft) {
  const rev = draft.rev || 0;
  const body = draftBody(draft);
  let held;
  try {
    held = await api(`/inspections/${draft.uuid}`, { method: "PUT", json: body });
  } catch (error) {
    const open = error instanceof ApiError && error.status === 409 && error.body.errors?.open_draft;
    if (typeof open !== "string") throw error;
    // Another device of this person started the assignment first: this work goes into that draft.
    await joinOpenDraft(draft, open);
    return false;
  }
  const sent = Object.fromEntries(body.answers.map((a) => [a.item_key, a]));
  await update("drafts", draft.uuid, (current) => current && mergeSent(current, held, sent, rev));
  return true;
}

async function sendPhoto(photo) {
  await api(`/inspections/${photo.inspection}/photos/${photo.uuid}`, {
    method: "PUT", body: photo.blob,
    headers: { "Content-Type": photo.blob.type || "image/jpeg", "X-Content-SHA256": photo.sha256 },
  });
  await update("photos", photo.uuid, (current) => current && { ...current, uploaded: true });
}

async function sendSubmit(draft) {
  try {
    const receipt = await api(`/inspections/${draft.uuid}/submit`, { method: "POST" });
    await update("drafts", draft.uuid, (current) => current && {
      ...current, status: "submitted", receipt, submit_requested: null, error: null,
    });
  } catch (error) {
    if (error instanceof ApiError && error.problem === "photos_missing") {
      // The server lost track of a photo we think we sent: send it again.
      for (const id of error.body.errors.missing_photos) {
        await update("photos", id, (current) => current && { ...current, uploaded: false });
      }
    }
    throw error;
  }
}

// False when the draft was moved into the open draft another device started: that one goes next.
async function flushDraft(draft) {
  if ((draft.rev || 0) > (draft.synced_rev || 0) || !draft.server) {
    if (!(await sendDraft(draft))) return false;
  }
  for (const photo of await byIndex("photos", "inspection", draft.uuid)) {
    if (!photo.uploaded && photo.blob) await sendPhoto(photo);
  }
  const fresh = await get("drafts", draft.uuid);
  if (fresh.submit_requested && fresh.status !== "submitted") await sendSubmit(fresh);
  return true;
}

async function flushDrafts() {
  let sent = 0;
  let moved = false;
  for (const draft of await ownDrafts()) {
    if (draft.status === "submitted") continue;
    try {
      if (await flushDraft(draft)) sent += 1;
      else moved = true;
    } catch (error) {
      if (error instanceof NetworkError || (error instanceof ApiError && error.status >= 500)) throw error;
      // The server refused this draft (e.g. a required answer is missing): show it, go on with the rest.
      const message = [error.message, ...problemLines(error.body?.errors)].join(" ");
      await update("drafts", draft.uuid, (current) => current && {
        ...current, error: message, submit_requested: error.status === 409 ? current.submit_requested : null,
      });
    }
  }
  return { sent, moved };
}

async function flushAll() {
  const first = await flushDrafts();
  const sent = first.sent + (first.moved ? (await flushDrafts()).sent : 0);
  await flushResponses();
  await flushComplaints();
  await put("meta", new Date().toISOString(), "last_sync");
  return sent;
}

// One flush at a time across the page and the service worker.
export async function flush() {
  if (!(await meta("token"))) return 0;
  if (self.navigator?.locks) {
    return navigator.locks.request("osi-outbox", () => flushAll());
  }
  return flushAll();
}

// The server's per-field messages name their item themselves; the fields' keys (and the lists of photos
// it still waits for) are for programs.
function problemLines(errors) {
  if (!errors || typeof errors !== "object") return [];
  return Object.entries(errors).filter(([key]) => !key.endsWith("_photos")).flatMap(([, value]) => (
    Array.isArray(value) ? value.filter((line) => typeof line === "string") : problemLines(value)));
}
