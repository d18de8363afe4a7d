"""HTML to PDF with headless Chromium (Debian's `chromium`): `--headless --print-to-pdf` of a self-contained page
written to a private temporary folder; the page's Content-Security-Policy allows no script and no fetch. Without
Chromium the report is refused with a 503 that says why (`ServiceUnavailable`), never half-made."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from app.config import get_settings
from app.errors import ServiceUnavailable

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--disable-sync",
        "--disable-background-networking", "--disable-component-update", "--no-pdf-header-footer",
        "--run-all-compositor-stages-before-draw"]  # scripts and fetches: off by the page's own CSP (html.py)
TIMEOUT = 90.0  # seconds: a shared machine may be slow to start a browser


def chromium_executable() -> str | None:
    """`CHROMIUM_PATH` when set (and a file), else `chromium` or `chromium-browser` on the PATH."""
    configured = get_settings().chromium_path
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def html_to_pdf(html: str) -> bytes:
    executable = chromium_executable()
    if executable is None:
        raise ServiceUnavailable("The board report is printed by headless Chromium, which this server does not have "
                                 "(install Debian's `chromium` or set CHROMIUM_PATH). The figures are available as "
                                 "JSON, CSV and XLSX meanwhile.")
    with tempfile.TemporaryDirectory(prefix="board-report-") as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(html, encoding="utf-8")
        command = [executable, *ARGS, f"--user-data-dir={folder}/profile", f"--print-to-pdf={target}",
                   source.as_uri()]
        try:
            # HOME too in the temporary folder: a container's service user may have no writable home
            subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False,
                           env={**os.environ, "HOME": folder})
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ServiceUnavailable(f"Chromium could not print the board report ({type(error).__name__}). "
                                     "Try again in a moment.") from error
        if not target.is_file() or target.stat().st_size == 0:
            raise ServiceUnavailable("Chromium could not print the board report. Try again in a moment.")
        return target.read_bytes()
