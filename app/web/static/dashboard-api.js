/* The dashboard's API calls. The key travels only in the Authorization header: never in a URL, never logged. It is
   kept in sessionStorage (this tab only, gone when the tab closes) so a reload does not ask for it again. */

const KEY_STORE = "culturegap.dashboard.key";
const PROBLEM_PREFIX = "urn:culturegap:problem:";

export class ApiError extends Error {
  /** `kind`: "unauthorized" (401), "forbidden" (403), "not-found" (404), "invalid" (422), "network", "server"
      or "unexpected"; `detail`: the problem's own explanation, when it gave one. */
  constructor(kind, status, body) {
    super(kind);
    this.kind = kind;
    this.status = status;
    this.detail = body && typeof body.detail === "string" ? body.detail : "";
    this.code = body && typeof body.type === "string" && body.type.startsWith(PROBLEM_PREFIX)
      ? body.type.slice(PROBLEM_PREFIX.length) : "";
    this.errors = body && Array.isArray(body.errors) ? body.errors : [];
  }
}

function classify(status) {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status === 422) return "invalid";
  if (status === 429 || status >= 500) return "server";
  return "unexpected";
}

export const storedKey = () => sessionStorage.getItem(KEY_STORE) || "";
export const storeKey = (key) => sessionStorage.setItem(KEY_STORE, key);
export const forgetKey = () => sessionStorage.removeItem(KEY_STORE);

/** Builds an API path with query parameters (null and undefined left out). */
export function path(base, query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== null && value !== undefined && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}

const RETRIES = 2; // of a 503 (the database was busy): the service says when to try again (Retry-After)

const pause = (seconds) => new Promise((resolve) => { window.setTimeout(resolve, seconds * 1000); });

/** GET `url` with the key; resolves with the JSON body or rejects with an ApiError. A 503 is asked again after
    its Retry-After (at most twice): a GET changes nothing, and a busy database is usually free a moment later. */
export async function get(key, url, { signal } = {}) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await getOnce(key, url, signal);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 503 && attempt < RETRIES)) throw error;
      await pause(Math.min(10, Math.max(1, Number(error.retryAfter) || 1)));
    }
  }
}

async function getOnce(key, url, signal) {
  let response;
  try {
    response = await fetch(url, {
      // No key: a signed-in person's session, by its cookie (same origin only).
      headers: key ? { Authorization: `Bearer ${key}`, Accept: "application/json" } : { Accept: "application/json" },
      cache: "no-store", credentials: key ? "omit" : "same-origin", referrerPolicy: "no-referrer", signal,
    });
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    throw new ApiError("network", 0, null);
  }
  let payload = null;
  try { payload = await response.json(); } catch { payload = null; }
  if (!response.ok) {
    const error = new ApiError(classify(response.status), response.status, payload);
    error.retryAfter = response.headers.get("retry-after");
    throw error;
  }
  return payload;
}

/** The API paths the dashboard reads. */
export const API = {
  me: "/api/v1/me",
  organisations: "/api/v1/organisations",
  organisation: (org) => `/api/v1/organisations/${org}`,
  layers: (org) => `/api/v1/organisations/${org}/layers`,
  units: (org) => `/api/v1/organisations/${org}/units`,
  surveys: (org) => `/api/v1/organisations/${org}/surveys`,
  questionnaires: (org) => `/api/v1/organisations/${org}/questionnaires`,
  questionnaire: (org, id) => `/api/v1/organisations/${org}/questionnaires/${id}`,
  report: (org, survey, name) => `/api/v1/organisations/${org}/surveys/${survey}/reports/${name}`,
};
