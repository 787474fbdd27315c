// Outlets' answers to findings waiting in IndexedDB, and their part of the outbox flush. No UI
// here: the service worker imports this too.
import { api, ApiError } from "./api.js";
import { all, meta, put, update } from "./db.js";

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
      await update("responses", response.uuid, (current) => current && { ...current, sent: true, photos: [] });
    } catch (error) {
      // Already answered (a retry whose first try arrived): the answer is on the server.
      if (error instanceof ApiError && error.status === 409 && !error.body.errors?.missing_photos) {
        await update("responses", response.uuid, (current) => current && { ...current, sent: true, photos: [] });
        continue;
      }
      if (error instanceof ApiError && error.status === 409) {
        response.photos.forEach((p) => { p.uploaded = false; });
        await put("responses", response);
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
