// The server's sync API with the stored bearer token. Errors keep the server's message, already in the app's
// language (Accept-Language), and its stable `problem` code, which is what the app branches on.
import { meta } from "./db.js";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.problem = this.body.problem || null;
    this.fromServer = Boolean(body && body.message);
  }
}

export class NetworkError extends Error {}

// The app's language (i18n.js keeps it); the service worker, which has no localStorage, lets the browser say.
function chosenLanguage() {
  return typeof localStorage === "undefined" ? null : localStorage.getItem("osi-lang") || "zh";
}

export async function api(path, options = {}) {
  return (await request(path, options)).data;
}

// A page of a paged list: its rows and the total the server counted (its X-Pagination header).
export async function apiPage(path) {
  const { data, response } = await request(path);
  const paging = JSON.parse(response.headers.get("X-Pagination") || "{}");
  return { items: data || [], total: paging.total ?? (data || []).length, next: paging.next_page ?? null };
}

// Every page of a paged list, followed through X-Pagination (bounded, so a runaway list cannot hang the app).
export async function apiAll(path, { pageSize = 100, maxPages = 20 } = {}) {
  const items = [];
  let total = 0;
  const joiner = path.includes("?") ? "&" : "?";
  for (let page = 1; page && page <= maxPages;) {
    const result = await apiPage(`${path}${joiner}page=${page}&page_size=${pageSize}`);
    items.push(...result.items);
    total = result.total;
    page = result.next;
  }
  return { items, total };
}

// A picture the server keeps (a photo taken on another device), for an <img> on this one.
export async function apiBlob(path) {
  const { response } = await request(path, { raw: true });
  return response.blob();
}

async function request(path, { method = "GET", json, body, headers = {}, token, raw = false } = {}) {
  const bearer = token || (await meta("token"));
  const options = { method, headers: { ...headers }, cache: "no-store" };
  if (bearer) options.headers.Authorization = `Bearer ${bearer}`;
  const chosen = chosenLanguage();
  if (chosen) options.headers["Accept-Language"] = chosen === "en" ? "en" : "zh-CN";  // the server's words in ours
  if (json !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(json);
  } else if (body !== undefined) {
    options.body = body;
  }
  let response;
  try {
    response = await fetch(`/api/v1${path}`, options);
  } catch (error) {
    throw new NetworkError(String(error));
  }
  const type = response.headers.get("Content-Type") || "";
  if (raw && response.ok) return { data: null, response };
  const data = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, response };
}
