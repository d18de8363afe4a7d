"""Without Chromium the browser tests skip and say how to install it; with CI=true they fail instead.
Runs pytest in a subprocess with CHROMIUM_PATH pointing nowhere (no browser is needed for this test itself).

The subprocess runs `test_the_browser_runs`, which asks for the `browser` fixture alone, the one every browser test
stands on (`open_tab` asks for it): skipping or failing happens there. A target that asked for `open_tab` made each
run migrate a database and start the suite's server and SMTP server first (session fixtures come before the
package's browser), about four times the cost of the run itself.
"""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGET = "tests/e2e/test_browser_fixture.py::test_the_browser_runs"


@pytest.mark.browser
def test_the_browser_runs(browser: Any) -> None:
    page = browser.new_page()
    try:
        page.set_content("<p>Hallo</p>")
        assert page.text_content("p") == "Hallo"
    finally:
        page.close()


def _run(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("CI", "TEST_DATABASE_URL", "PYTEST_XDIST_WORKER", "PYTEST_ADDOPTS")}
    environment.update(env, CHROMIUM_PATH=str(ROOT / "no-such-chromium"))
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", TARGET],
                          cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("ci", ["", "false"])
def test_a_missing_browser_skips_with_install_instructions(ci: str) -> None:
    result = _run(CI=ci) if ci else _run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert "apt-get install chromium" in result.stdout


def test_a_missing_browser_fails_the_run_on_ci() -> None:
    result = _run(CI="true")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "apt-get install chromium" in result.stdout
    assert "CI=true" in result.stdout
