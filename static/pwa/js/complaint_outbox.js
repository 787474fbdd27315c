// Complaints recorded on the phone and waiting in IndexedDB, and their part of the outbox flush. No UI
// here: the service worker imports this too. Each intake keeps the uuid it was given when its form opened,
// so saving twice stores it once and the server records it once however often it is sent; its photos go up
// first, each under its own uuid (a repeat is harmless).
import { api, ApiError, NetworkError } from "./api.js";
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

async function markSent(intake, complaint) {
  await update("complaints", intake.uuid, (current) => current && {
    ...current, sent: true, error: null, photos: [],
    server_id: complaint.id, number: complaint.number, sent_at: new Date().toISOString() });
}

async function sendIntake(intake) {
  for (const photo of intake.photos) {
    if (!photo.uploaded) await sendPhoto(intake, photo);
  }
  // The intake's uuid names it on the server: a retry after a lost answer is given the complaint already made.
  const complaint = await api("/complaints", { method: "POST",
    json: { ...intake.body, client_uuid: intake.uuid, photo_ids: intake.photos.map((p) => p.uuid) } });
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
        intake.photos.forEach((p) => { p.uploaded = false; });
        await put("complaints", intake);
      } else if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401) {
        await update("complaints", intake.uuid, (current) => current && {
          ...current, error: error.message, field_errors: fieldErrors(error.body?.errors) });
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
