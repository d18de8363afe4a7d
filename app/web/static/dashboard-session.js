/* The dashboard's side of a signed-in person's session. The service's HttpOnly cookie does the signing in (see
   /signin); this module only asks who is signed in, signs out (with the session's CSRF token), sends an ended
   session back to the sign-in page, and points the API-key form at the sign-in page. */
import { SIGNIN_STRINGS } from "./signin-i18n.js";

/** The signed-in person's session (`GET /api/v1/session`), or null when this browser has none. */
export async function signedInSession() {
  const options = { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" },
    referrerPolicy: "no-referrer" };
  try {
    // First whether there is one at all: asking the API without one would answer 401, an error in the console.
    const status = await fetch("/auth/session", options);
    if (!status.ok || !(await status.json()).signed_in) return null;
    const response = await fetch("/api/v1/session", options);
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

export async function signOut(session) {
  try {
    await fetch("/api/v1/session", {
      method: "DELETE", credentials: "same-origin", headers: { "X-CSRF-Token": session.csrf_token },
      referrerPolicy: "no-referrer",
    });
  } finally {
    location.assign("/signin");
  }
}

export function sessionEnded() {
  location.assign("/signin?expired=1");
}

/** A link from the API-key form to the sign-in page, in `lang`; added once, translated on every call. */
export function signInLink(form, lang) {
  let link = document.getElementById("signin-other-link");
  if (!link) {
    const line = document.createElement("p");
    line.className = "signin-text";
    link = document.createElement("a");
    link.id = "signin-other-link";
    link.href = "/signin";
    line.append(link);
    form.after(line);
  }
  link.textContent = (SIGNIN_STRINGS[lang] || SIGNIN_STRINGS.en).signInOther;
}
