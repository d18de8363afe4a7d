/* The respondent's API. The token travels only in the X-Survey-Token header: never in a URL, never logged. */

export const API = "/api/v1/respond";
const PROBLEM_PREFIX = "urn:culturegap:problem:";

/** Problems with a message of their own; otherwise "no-token" (401), "invalid" (422), "network", "server" or
    "unexpected". */
export const KNOWN_PROBLEMS = ["token-unusable", "token-expired", "survey-not-open", "survey-closed"];
/** Failures worth retrying: the answers stay on the page. */
export const RETRYABLE = ["network", "server", "unexpected"];

export class ApiError extends Error {
  constructor(kind, status, body) {
    super(kind);
    this.kind = kind;
    this.status = status;
    this.body = body;
  }
}

function classify(status, body) {
  const type = body && typeof body.type === "string" ? body.type : "";
  const code = type.startsWith(PROBLEM_PREFIX) ? type.slice(PROBLEM_PREFIX.length) : "";
  if (KNOWN_PROBLEMS.includes(code)) return code;
  if (status === 401) return "no-token"; // no token, or a malformed one: most likely a link cut short
  if (status === 404) return "token-unusable";
  if (status === 410) return "token-expired";
  if (status === 422) return "invalid";
  if (status === 429 || status >= 500) return "server";
  return "unexpected";
}

/** Calls the API; resolves with the JSON body, or rejects with an ApiError saying what went wrong. */
export async function request(token, method, path, body, options) {
  const headers = { "X-Survey-Token": token, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer", ...options,
    });
  } catch {
    throw new ApiError("network", 0, null);
  }
  let payload = null;
  try { payload = await response.json(); } catch { payload = null; }
  if (!response.ok) throw new ApiError(classify(response.status, payload), response.status, payload);
  return payload;
}
