// The JSON API client: bearer token from sessionStorage, problem details as errors, and
// authenticated downloads of CSV/XLSX exports (fetch + Blob, since a plain link cannot carry
// the Authorization header).

const TOKEN_KEY = "fundledger.token";

export class ApiError extends Error {
  /** An HTTP error with the RFC 9457 problem document when the API sent one. */
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Build an API URL (absolute path on this origin) with the non-empty query parameters. */
export function apiUrl(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  return url.pathname + url.search;
}

async function request(path, params, token) {
  const response = await fetch(apiUrl(path, params), {
    headers: { Authorization: `Bearer ${token ?? getToken() ?? ""}`, Accept: "application/json" },
  });
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      problem = null;
    }
    const error = new ApiError(response.status, problem);
    if (response.status === 401) window.dispatchEvent(new CustomEvent("fundledger:unauthorized"));
    throw error;
  }
  return response;
}

/** GET a JSON resource; throws ApiError on any non-2xx answer. */
export async function getJSON(path, params = {}, token = undefined) {
  const response = await request(path, params, token);
  return response.json();
}

function filenameFrom(response, fallback) {
  const header = response.headers.get("Content-Disposition") || "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain ? plain[1] : fallback;
}

/** Download an export with the bearer token and hand it to the browser as a file. */
export async function download(path, params, fallbackName) {
  const response = await request(path, params);
  const blob = await response.blob();
  const objectUrl = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = objectUrl;
  link.download = filenameFrom(response, fallbackName);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(objectUrl), 10_000);
  return link.download;
}
