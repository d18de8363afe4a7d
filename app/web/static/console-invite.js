/* Inviting by e-mail in two steps: the list is checked first (the API's check stores and mails nothing), every
   line shown as it will be mailed, or each bad line beside what it says; then one button sends that same file,
   which the server checks again as it sends (all or nothing). Choosing another file asks for a new check. */
import { $, amsterdam, api, el, failure, say, showLineErrors, t, upload } from "./console-core.js";

const SHOWN = 200;  // lines drawn in the table; a long list says how many more were checked
let checked = null;  // { file, result } of the list checked last, until it is sent or another file is chosen
let layerName = (key) => key;

/** Forget a check: after sending, on another file or another wave. */
export function clearCheck() {
  checked = null;
  $("invite-checked").hidden = true;
  $("invite-lines").tBodies[0].replaceChildren();
  nextStep(false);
}

/** One primary button at a time: "Check the list" until a list is checked, then "Send N invitations". */
function nextStep(send) {
  $("invite-check").classList.toggle("button-primary", !send);
  $("invite-check").classList.toggle("button-secondary", send);
}

/** Draw the checked lines again (in the reader's language, after a switch). */
export function redrawCheck() {
  if (checked) showLines(checked.result);
}

function showLines(result) {
  const words = t();
  const rows = result.lines.slice(0, SHOWN).map((line) => {
    const tr = el("tr");
    const number = el("th", String(line.line));
    number.scope = "row";
    tr.append(number, ...[line.email, line.unit_path.join(" / "), layerName(line.layer_key),
      words.languageNames[line.language] || line.language].map((text) => el("td", text)));
    return tr;
  });
  $("invite-lines").tBodies[0].replaceChildren(...rows);
  const more = result.count - rows.length;
  $("invite-more").textContent = more > 0 ? words.moreLines(more) : "";
  $("invite-send").textContent = words.sendN(result.count);
  $("invite-checked").hidden = false;
  nextStep(true);
}

/** `wave()` is the wave shown; `layerName(key)` a layer's name in the reader's language; `waits(survey)` whether
    its mails wait for its opening; `afterwards()` refreshes what new invitations change. */
export function wireInvitations(wave, layerNameOf, waits, afterwards) {
  layerName = layerNameOf;
  $("invite-file").addEventListener("change", () => {
    clearCheck();
    say("invite-result", "");
  });
  $("invite-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    clearCheck();
    const file = $("invite-file").files[0];
    try {
      const result = await api(`/surveys/${wave().id}/invitations/mail/check`,
        { method: "POST", body: upload($("invite-file")) });
      checked = { file, result };
      say("invite-result", t().checkedAll(result.count));
      showLines(result);
    } catch (error) {
      if (!await showLineErrors(file, error, "invite-result", "invite-errors")) failure("invite-result", error);
    }
  });
  $("invite-send").addEventListener("click", async (e) => {
    if (!checked) return;
    const button = e.currentTarget, { file } = checked;
    button.disabled = true;
    try {
      const form = new FormData();
      form.append("file", file);
      const result = await api(`/surveys/${wave().id}/invitations/mail`, { method: "POST", body: form });
      clearCheck();
      $("invite-form").reset();
      say("invite-result", waits(wave()) ? t().mailedLater(result.mailed, amsterdam(wave().opens_at))
        : t().mailed(result.mailed));
      await afterwards();
    } catch (error) {  // changed since the check (e.g. someone invited an address meanwhile): nothing was sent
      clearCheck();
      if (!await showLineErrors(file, error, "invite-result", "invite-errors")) failure("invite-result", error);
    } finally {
      button.disabled = false;
    }
  });
}
