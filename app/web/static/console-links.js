/* Links for organisations that mail the invitations themselves (a mail merge): a file of units, layers and counts
   in, a CSV of that many single-use links out (`unit,layer,token,url`), saved by the browser. The links are shown
   this once: the service keeps only their hashes. */
import { $, api, failure, say, showLineErrors, t, upload } from "./console-core.js";

/** Show the form for a wave that still takes invitations (any but a closed one). */
export function showLinks(survey) {
  $("links-form").hidden = survey.status === "closed";
  say("links-result", "");
}

function save(text, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

/** `wave()` is the wave shown; `afterwards()` refreshes what the new invitations change (the rates). */
export function wireLinks(wave, afterwards) {
  $("links-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const file = $("links-file").files[0];
    try {
      const csv = await api(`/surveys/${wave().id}/invitations/import`,
        { method: "POST", body: upload($("links-file")), accept: "text/csv" });
      const count = csv.split(/\r\n|\n/).filter((line) => line).length - 1;
      save(csv, `links-${wave().title.replace(/[^\p{L}\p{N}]+/gu, "-")}.csv`);
      say("links-result", t().linksMade(count));
      $("links-form").reset();
      await afterwards();
    } catch (error) {
      if (!await showLineErrors(file, error, "links-result", "links-errors")) failure("links-result", error);
    }
  });
}
