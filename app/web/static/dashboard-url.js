/* The dashboard's address. The selection (`org`, `survey`, `unit`: ids) is kept in the query, so a view can be
   shared or bookmarked and survives a reload; `?key` asks for the API-key form instead of the sign-in page (as
   `make run` prints it); `?lang=nl|en` is the language a sign-in came back with. No key or token is ever put here. */
const NAMES = ["org", "survey", "unit"];

const params = () => new URLSearchParams(location.search);

/** Whether the reader asked for the API-key form (`/dashboard?key`). */
export function wantsKeyForm() {
  return params().has("key");
}

export function askedLanguage() {
  return params().get("lang");
}

/** The selection in the address: {org, survey, unit} with the ids given (others absent). */
export function selectionInUrl() {
  const p = params();
  return Object.fromEntries(NAMES.filter((name) => p.get(name)).map((name) => [name, p.get(name)]));
}

/** Writes the selection into the address (replacing the entry: no history of every change), keeping `?key`. */
export function putSelectionInUrl(selection) {
  const parts = wantsKeyForm() ? ["key"] : [];
  for (const name of NAMES) {
    if (selection[name]) parts.push(`${name}=${encodeURIComponent(selection[name])}`);
  }
  const url = parts.length ? `${location.pathname}?${parts.join("&")}` : location.pathname;
  if (url !== location.pathname + location.search) history.replaceState(null, "", url + location.hash);
}
