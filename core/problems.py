"""The API's stable problem codes: the `problem` of every error body, one per problem a client may tell
apart. They are English words for programs and never change or get translated; the `message` beside
them is for people, in their language. Documented in the OpenAPI error schema and in docs/api-problems.md."""
from __future__ import annotations

# When an error names no problem of its own, its status says which.
BY_STATUS = {400: "bad_request", 401: "not_logged_in", 403: "not_allowed", 404: "not_found",
             405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_type",
             422: "validation_failed", 429: "too_many_attempts", 500: "server_error", 503: "busy"}

PROBLEMS: dict[str, str] = {
    # General, one per status.
    "bad_request": "The request could not be understood (400).",
    "not_logged_in": "No valid bearer token or session (401).",
    "not_allowed": "The caller's role may not do this (403).",
    "not_found": "Nothing there, or nothing the caller may see (404; hidden things answer the same).",
    "method_not_allowed": "The address does not take this method (405).",
    "conflict": "The request clashes with what is stored (409).",
    "too_large": "The body is larger than this address accepts (413).",
    "unsupported_type": "The kind of file is not accepted (415).",
    "validation_failed": "Some fields are not valid; `errors` lists them per field (422).",
    "too_many_attempts": "Too many failed logins; wait for Retry-After seconds (429).",
    "server_error": "Something failed on the server; it is logged (500).",
    "busy": "The service is busy; try again after Retry-After seconds (503).",
    # Logging in and accounts.
    "wrong_credentials": "Wrong username or password, or the account is deactivated (401).",
    "wrong_password": "The current password given to change it is wrong (422).",
    "weak_password": "The new password is not acceptable (422).",
    "already_used": "A code, number or name that must be unique is taken (409).",
    # Request bodies and identifiers.
    "malformed_body": "The body is not valid JSON, is nested too deeply or holds an unstorable number (400).",
    "not_a_uuid": "An identifier that must be a UUID is not one (422).",
    "bad_filter": "A list's filters cannot be read (400).",
    "outside_scope": "The outlet, assignment or checklist is not one the caller works on (422).",
    "hierarchy_cycle": "A node of the bank's tree would sit under itself or under a node below it (422).",
    "level_inversion": "A node's parent would not be of a higher level than the node, or its children not lower (422).",
    "outside_window": "A mystery visit is started or filed outside its window, by the bank's day (422).",
    # Inspections and their photos.
    "stale_version": "Someone else changed the object first; reload it and try again (409).",
    "already_submitted": "The inspection is submitted and never changes (409).",
    "draft_pinned": "A draft keeps the checklist version and outlet it started with (409).",
    "answers_invalid": "Some answers do not fit the checklist (422; `errors` per answer).",
    "answers_incomplete": "Required answers or photos are missing at submit (422; `errors` per item).",
    "photos_missing": "Photos named by the answers are not uploaded yet (409; `errors.missing_photos`).",
    "photos_processing": "Photos are still being processed; submit again shortly (409).",
    "photo_too_large": "The photo has too many bytes or pixels (413).",
    "photo_type_not_allowed": "Not a JPEG, PNG, WebP or HEIC image (415).",
    "photo_damaged": "The photo is empty or cannot be decoded (422).",
    "photo_hash_mismatch": "The bytes do not match X-Content-SHA256 (422).",
    "photo_uuid_taken": "The photo UUID already holds other bytes (409).",
    "photo_missing_body": "No image was sent (400).",
    # Mystery visits, findings, lists.
    "wrong_status": "The object is not in the state this step needs (409).",
    "reason_required": "A rejection, revision, upheld appeal or reopening needs its reason (422).",
    "finding_closed": "The finding is closed (409).",
    "already_responded": "The finding was answered already and waits for verification (409).",
    "list_published": "The red/black list is published and frozen (409).",
    "no_notice": "The inspection has no published findings, so no notice (404).",
    "already_done": "The action item is done already (409).",
    "note_required": "Closing an action item needs a note on what was done (422).",
    # Checklists and imports.
    "checklist_published": "A published checklist version never changes; start a new draft (409).",
    "checklist_kind_fixed": "A template keeps its code and kind; an import or draft may not change them (409/422).",
    "checklist_invalid": "The checklist has problems; `errors` names each by path (422).",
    "file_too_large": "The uploaded file is too large (413).",
    "file_type_not_allowed": "The uploaded file is not of an accepted kind (415).",
    "file_unreadable": "The uploaded file cannot be read: not UTF-8, not valid JSON/YAML/XLSX (400).",
    "import_columns_invalid": "An import file lacks required columns or has unknown ones (400).",
    "import_rows_invalid": "Rows of an import have problems; `errors` names each row; nothing was saved (422).",
}


def problem_for(status: int, problem: str | None = None) -> str:
    return problem or BY_STATUS.get(status, "server_error" if status >= 500 else "bad_request")
