/* Changes sent from the dashboard (the action form, hiding a comment, deleting an action): with the reader's key, or
   their signed-in session's cookie and CSRF token. */
import { storedKey } from "./dashboard-api.js";
import { signedInSession } from "./dashboard-session.js";

/** `method` to `url` with a JSON `body` (none when undefined); the JSON answer (null for none, e.g. 204) or a
    thrown {status, body} (status 0: the service could not be reached). */
export async function send(method, url, body) {
  const key = storedKey();
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (key) headers.Authorization = `Bearer ${key}`;
  else {
    const session = await signedInSession();
    if (session) headers["X-CSRF-Token"] = session.csrf_token;
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store", credentials: key ? "omit" : "same-origin", referrerPolicy: "no-referrer" });
  } catch {
    throw { status: 0, body: null };
  }
  let payload = null;
  try { payload = await response.json(); } catch { payload = null; }
  if (!response.ok) throw { status: response.status, body: payload };
  return payload;
}
