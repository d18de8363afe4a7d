/* Downloads of every panel (issue 15, item 6): the reports a panel shows, as CSV or as an Excel workbook, asked of
   the API with `format=csv` / `format=xlsx` (the same figures, through the same protection). The file is fetched
   with the key in the Authorization header (never in a URL) or the session's cookie, and handed to the browser
   as a download. */
import { el } from "./dashboard-dom.js";

const SKIP = new Set(["quality", "previous", "list"]); // context of a panel, not its figures (quality has its own)

/** Fetches `url` with the reader's credentials and saves the answer under the name the service gave it. */
export async function download(key, url) {
  const response = await fetch(url, {
    headers: key ? { Authorization: `Bearer ${key}` } : {}, credentials: key ? "omit" : "same-origin",
    cache: "no-store", referrerPolicy: "no-referrer" });
  if (!response.ok) {
    const error = new Error(`download failed: ${response.status}`);
    try { error.detail = (await response.json()).detail || ""; } catch { error.detail = ""; }
    throw error;
  }
  const blob = await response.blob();
  const found = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
  const link = el("a", { href: URL.createObjectURL(blob), download: found ? found[1] : "report" });
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function withFormat(url, format) {
  const [base, query] = url.split("?");
  const params = new URLSearchParams(query || "");
  params.set("format", format);
  return `${base}?${params}`;
}

/** The reports a panel's figures come from: {label, url} per report (by its name in the path). */
export function panelReports(panel, ctx, results) {
  const requests = panel.requests(ctx);
  const names = (panel.id === "quality" ? ["quality"] : Object.keys(requests).filter((name) => !SKIP.has(name)))
    .filter((name) => name !== "heatmap" || panel.id === "heatmap") // elsewhere the heatmap only lends names
    .filter((name) => results && results[name] && requests[name].includes("/reports/"));
  return names.map((name) => ({ name, url: requests[name],
    report: requests[name].split("?")[0].split("/reports/")[1] }));
}

/** A report's name in the reader's language (`reportName.<report>`), its API name where none is known. */
function reportName(ctx, report) {
  const key = `reportName.${report}`, name = ctx.t(key);
  return name === key ? report : name;
}

/** A row of buttons under a panel: each report it shows as CSV and as XLSX. */
export function downloadBar(ctx, panel, results) {
  const reports = panelReports(panel, ctx, results);
  if (!reports.length) return null;
  const counts = new Map();
  for (const r of reports) counts.set(r.report, (counts.get(r.report) || 0) + 1);
  const button = (r, format) => {
    const label = ctx.t(`download.${format}`);
    const node = el("button", { type: "button", class: "download", "data-report": r.report, "data-format": format,
      "data-url": withFormat(r.url, format), text: label });
    node.addEventListener("click", () => {
      node.disabled = true;
      ctx.download(withFormat(r.url, format)).catch(() => ctx.announce(ctx.t("downloadFailed")))
        .finally(() => { node.disabled = false; });
    });
    return node;
  };
  return el("div", { class: "panel-downloads", role: "group", "aria-label": ctx.t("downloadLabel") },
    el("span", { text: ctx.t("downloadLabel") }),
    reports.map((r) => el("span", { class: "download-pair" },
      counts.get(r.report) > 1 || reports.length > 1 ? el("span", { class: "download-name",
        "data-report": r.report, text: `${reportName(ctx, r.report)}: ` }) : null,
      button(r, "csv"), " ", button(r, "xlsx"))));
}
