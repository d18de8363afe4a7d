/* The board report button (issue 15, item 5): the PDF of the selected wave and unit in the page's language, printed
   by the service (`reports/board-report`) and saved as a download. A service that cannot print (no Chromium:
   503 with a reason) says so beside the button. */
import { download } from "./dashboard-downloads.js";

/** Wires the button: `selection()` gives {key, url, t, announce} for the current selection, or null. */
export function boardReportButton(button, status, selection) {
  button.addEventListener("click", async () => {
    const s = selection();
    if (!s) return;
    button.disabled = true;
    status.hidden = false;
    status.textContent = s.t("boardReportBusy");
    s.announce(s.t("boardReportBusy"));
    try {
      await download(s.key, s.url);
      status.textContent = s.t("boardReportDone");
    } catch (error) {
      status.textContent = error && error.detail ? `${s.t("boardReportFailed")} ${error.detail}` : s.t("boardReportFailed");
    } finally {
      button.disabled = false;
    }
  });
}
