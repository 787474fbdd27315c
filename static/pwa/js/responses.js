// Outlets' answers to findings waiting in IndexedDB, and their part of the outbox flush. No UI
// here: the service worker imports this too.
import { api, ApiError } from "./api.js";
import { all, meta, put, update } from "./db.js";

// The device's copy of the list learns at once that the answer arrived, so no screen shows it as
// waiting while the list is not yet fetched again.
async function markAnswered(response) {
  await update("responses", response.uuid, (current) => current && { ...current, sent: true, error: null, photos: [] });
  await update("lists", "findings", (list) => list && { ...list, items: list.items.map((f) => f.id === response.finding_id
    && f.status === "open" ? { ...f, status: "responded", rejection_reason: null, responded_at: new Date().toISOString(),
      // Answered now: no longer overdue, and late if it was (the next list from the server says exactly).
      overdue: false, answered_late: Boolean(f.overdue) } : f) });
}

// Part of the outbox flush: after-photos first, then the answer that names them.
export async function flushResponses() {
  const user = await meta("user");
  for (const response of await all("responses")) {
    if (response.sent || response.user !== user?.id) continue;
    try {
      for (const photo of response.photos) {
        if (photo.uploaded) continue;
        await api(`/findings/${response.finding_id}/photos/${photo.uuid}`, { method: "PUT", body: photo.blob,
          headers: { "Content-Type": photo.blob.type || "image/jpeg", "X-Content-SHA256": photo.sha256 } });
        photo.uploaded = true;
        await put("responses", response);
      }
      await api(`/findings/${response.finding_id}/responses`, { method: "POST",
        json: { text: response.text, photo_ids: response.photos.map((p) => p.uuid) } });
      await markAnswered(response);
    } catch (error) {
      // Already answered (a retry whose first try arrived): the answer is on the server.
      if (error instanceof ApiError && error.problem === "already_responded") {
        await markAnswered(response);
        continue;
      }
      if (error instanceof ApiError && error.problem === "photos_missing") {
        response.photos.forEach((p) => { p.uploaded = false; });
        await put("responses", response);
      } else if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401) {
        // Refused for good (e.g. the finding was closed meanwhile): say so on its card, go on with the rest.
        await update("responses", response.uuid, (current) => current && { ...current, error: error.message });
        continue;
      }
      throw error;
    }
  }
}

export async function pendingResponses() {
  const user = await meta("user");
  return (await all("responses")).filter((r) => !r.sent && r.user === user?.id)
    .map((r) => ({ kind: "response", at: r.created_at }));
}
