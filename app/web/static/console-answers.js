/* The published answers for one's own analysis (the raw export, `responses/export`): wide (a row per respondent)
   or long (a row per respondent, dimension and frame), as CSV, CSV for Dutch Excel, an Excel workbook or an SPSS
   data file, saved by the browser. The same protection as the reports (docs/anonymity.md): the page says so. */
import { $, failure, say, state, t } from "./console-core.js";

const FORMATS = {
  csv: { params: {}, type: "csv" },
  "excel-nl": { params: { dialect: "excel-nl" }, type: "csv" },
  xlsx: { params: { format: "xlsx" }, type: "xlsx" },
  sav: { params: { format: "sav" }, type: "sav" },
};

/** Offer the download once the wave has published answers (at its close, or after an import). */
export function showAnswers(survey) {
  $("answers-form").hidden = !survey.published_at;
  $("answers-none").hidden = Boolean(survey.published_at);
  say("answers-result", "");
}

async function fetchFile(path) {
  const headers = state.key ? { Authorization: `Bearer ${state.key}` } : {};
  const response = await fetch(`${state.prefix}${path}`, {
    headers, credentials: "same-origin", cache: "no-store", referrerPolicy: "no-referrer" });
  if (response.status === 401) location.assign("/signin?expired=1");
  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    throw Object.assign(new Error(problem?.detail || response.statusText), { problem });
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  const header = (h) => response.headers.get(`X-Export-${h}`);
  return { blob: await response.blob(), name: name ? name[1] : "responses",
    withheld: Number(header("Answers-Withheld") || 0), rows: Number(header("Rows")),
    // respondents left out whole: fewer than k of them in all (`app/responses/export.py`, its `#` first line)
    suppressed: header("Suppressed") === "yes", k: Number(header("K")) || waveK() };
}

let waveK = () => null;

/** `wave()` is the wave shown. */
export function wireAnswers(wave) {
  waveK = () => wave()?.min_group_size;
  $("answers-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const format = FORMATS[$("answers-format").value];
    const shape = $("answers-shape").value;
    const query = new URLSearchParams({ ...format.params, ...(shape === "long" ? { shape } : {}) });
    const button = $("answers-download");
    button.disabled = true;
    say("answers-result", t().answersBusy);
    try {
      const file = await fetchFile(`/surveys/${wave().id}/responses/export?${query}`);
      const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(file.blob),
        download: file.name });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      say("answers-result", file.suppressed && !file.rows ? t().answersNoneLeft(file.k)
        : t().answersSaved(file.rows, file.withheld, shape) + (file.suppressed ? t().answersSomeLeft(file.k) : ""));
    } catch (error) {
      failure("answers-result", error);
    } finally {
      button.disabled = false;
    }
  });
}
