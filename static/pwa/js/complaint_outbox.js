// Complaints recorded on the phone and waiting in IndexedDB, and their part of the outbox flush. No UI
// here: the service worker imports this too. Each intake keeps the uuid it was given when its form opened,
// so saving twice stores it once; its photos go up first, each under its own uuid (a repeat is harmless).
import { api, ApiError, apiPage, NetworkError } from "./api.js";
import { all, meta, put, update } from "./db.js";

export async function saveIntake(intake) {
  await put("complaints", intake);
}

export async function myIntakes() {
  const user = await meta("user");
  return (await all("complaints")).filter((c) => c.user === user?.id);
}

export async function pendingComplaints() {
  return (await myIntakes()).filter((c) => !c.sent)
    .map((c) => ({ kind: "complaint", at: c.created_at }));
}

async function sendPhoto(intake, photo) {
  await api(`/complaints/photos/${photo.uuid}`, { method: "PUT", body: photo.blob,
    headers: { "Content-Type": photo.blob.type || "image/jpeg", "X-Content-SHA256": photo.sha256 } });
  photo.uploaded = true;
  await put("complaints", intake);
}

// The same intake, if an earlier try reached the server though its answer never came back: found by one
// of its photos, or else by what was written, on the outlet's complaints received that day.
function isSame(intake, item) {
  const photoIds = new Set(intake.photos.map((p) => p.uuid));
  if (photoIds.size) return (item.photos || []).some((p) => photoIds.has(p.uuid));
  const body = intake.body;
  return item.outlet?.id === body.outlet_id && item.received_on === body.received_on && item.channel === body.channel
    && item.category === body.category && item.description === body.description;
}

async function alreadyArrived(intake) {
  const query = `/complaints?outlet_id=${intake.body.outlet_id}&page_size=50`;
  const { items } = await apiPage(query);
  return items.find((item) => isSame(intake, item)) || null;
}

async function markSent(intake, complaint) {
  await update("complaints", intake.uuid, (current) => current && {
    ...current, sent: true, error: null, posting: false, photos: [],
    server_id: complaint.id, number: complaint.number, sent_at: new Date().toISOString() });
}

async function sendIntake(intake) {
  for (const photo of intake.photos) {
    if (!photo.uploaded) await sendPhoto(intake, photo);
  }
  if (intake.posting) {
    const arrived = await alreadyArrived(intake);
    if (arrived) return markSent(intake, arrived);
  }
  // Marked before it goes: after a lost answer the next flush looks for it on the server first.
  await update("complaints", intake.uuid, (current) => current && { ...current, posting: true });
  const complaint = await api("/complaints", { method: "POST",
    json: { ...intake.body, photo_ids: intake.photos.map((p) => p.uuid) } });
  await markSent(intake, complaint);
}

// Part of the outbox flush. A refusal for good (a field the server does not accept) is kept on the
// intake to be shown and corrected; the network or the server failing stops the flush, to be run again.
export async function flushComplaints() {
  for (const intake of await myIntakes()) {
    if (intake.sent || intake.error) continue;
    try {
      await sendIntake(intake);
    } catch (error) {
      if (error instanceof NetworkError) throw error;
      if (error instanceof ApiError && error.problem === "photos_missing") {
        // Its photos already belong to a complaint: the one an earlier try made, whose answer was lost.
        const arrived = await alreadyArrived(intake);
        if (arrived) { await markSent(intake, arrived); continue; }
        intake.photos.forEach((p) => { p.uploaded = false; });
        await put("complaints", { ...intake, posting: false });
      } else if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401) {
        await update("complaints", intake.uuid, (current) => current && {
          ...current, posting: false, error: error.message, field_errors: fieldErrors(error.body?.errors) });
        continue;
      }
      throw error;
    }
  }
}

// The server's per-field messages, whichever way it nests them ({json: {field: [..]}} or {field: [..]}).
function fieldErrors(errors) {
  if (!errors || typeof errors !== "object") return {};
  const flat = errors.json && typeof errors.json === "object" ? errors.json : errors;
  return Object.fromEntries(Object.entries(flat).filter(([, v]) => Array.isArray(v))
    .map(([key, value]) => [key, value.filter((line) => typeof line === "string").join(" ")]));
}
