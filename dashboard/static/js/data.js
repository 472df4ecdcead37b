// Reference data shared by the pages, fetched once per sign-in: the projects visible to the
// token (a finance office sees only its own university's), with university and project names.

import { getJSON, getToken } from "./api.js";

let cache = { token: null, promise: null };

/** The projects the current token may read (GET /v1/projects), cached for the session. */
export function projects() {
  const token = getToken();
  if (cache.token !== token || !cache.promise) {
    cache = { token, promise: getJSON("/v1/projects").then(listOf) };
    cache.promise.catch(() => { cache = { token: null, promise: null }; });
  }
  return cache.promise;
}

/** The list inside a list response, whichever envelope the API uses ({items}, {projects}, [...]). */
export function listOf(body) {
  if (Array.isArray(body)) return body;
  for (const key of ["items", "projects", "rows", "results", "events", "lines", "assets"]) {
    if (body && Array.isArray(body[key])) return body[key];
  }
  return [];
}

/** Map university code → name from the visible projects. */
export async function universityNames() {
  const names = new Map();
  for (const project of await projects()) {
    if (project.university_code) names.set(project.university_code, project.university_name || project.university_code);
  }
  return names;
}

/** The default report year: this year, or the last year of the visible projects' periods if earlier. */
export async function defaultYear() {
  const list = await projects().catch(() => []);
  const thisYear = new Date().getFullYear();
  const ends = list.map((p) => Number(p.period_end_year)).filter(Number.isFinite);
  if (!ends.length) return thisYear;
  return Math.min(thisYear, Math.max(...ends));
}
