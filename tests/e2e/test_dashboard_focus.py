"""The focus-areas panel (the `drivers` report) in a real Chromium on the demo municipality: the reading in plain
language, the dimensions ranked by importance x room to grow with bars described in words, the statements to start
with; a scope with too few respondents gets a note, not an error. English and Dutch, phone and laptop. Screenshots
go to tests/artifacts/dashboard-focus-*.png."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import SMALL_TARGETS, Demo, fits_the_width, load_demo, page_errors, sign_in
from tests.e2e.respond_helpers import CONTRAST_FAILURES

pytestmark = pytest.mark.browser

WAVE = "Meting 2026"
LOCALE = {"en": "en-GB", "nl": "nl-NL"}
WORDS = {"en": ("of what the dimensions explain", "points of room to grow"),
         "nl": ("van wat de dimensies verklaren", "punt ruimte om te groeien")}


@pytest.fixture(scope="module")
def demo(server_url: str) -> Demo:
    return load_demo(server_url)


def _open(open_tab: Any, demo: Demo, lang: str, viewport: dict[str, int], key: str | None = None) -> Any:
    tab = open_tab(LOCALE[lang], viewport)
    tab.page.goto("/dashboard?key")
    sign_in(tab.page, key or demo.admin_key)
    return tab


@pytest.mark.parametrize(("lang", "viewport"), [("en", LAPTOP), ("nl", PHONE)], ids=["en-laptop", "nl-phone"])
def test_focus_areas_say_where_to_start(demo: Demo, open_tab: Any, artifacts: Path, lang: str,
                                        viewport: dict[str, int]) -> None:
    sid = demo.survey(WAVE)["id"]
    report = demo.report(sid, "drivers", lang=lang, resamples=200)
    tab = _open(open_tab, demo, lang, viewport)
    page = tab.page
    panel = page.locator("#panel-focus")
    expect(panel.locator(".focus-reading")).to_have_text(report["focus"]["reading"][lang])
    items = panel.locator("li.focus-item")
    dims = report["focus"]["dimensions"]
    expect(items).to_have_count(len(dims))
    shares = {d["key"]: d["general_dominance"]["share"] for d in report["drivers"]}
    top = max(f["priority"] for f in dims)
    sep = "," if lang == "nl" else "."
    importance, room = WORDS[lang]
    for i, f in enumerate(dims):
        item = items.nth(i)
        expect(item).to_have_attribute("data-dimension", f["key"])
        expect(item.locator(".focus-name")).to_have_text(f["name"])
        pct = f"{round(shares[f['key']] * 100)}%"
        expect(item.locator(".focus-text")).to_have_text(
            f"{pct} {importance} · {f['room']:.1f}".replace(".", sep) + f" {room}")
        width = item.locator(".focus-bar-fill").evaluate("(node) => node.style.width")
        assert float(width.rstrip("%")) == pytest.approx(round(f["priority"] / top * 100), abs=0.5)
    statements = panel.locator("li.focus-statement")
    expect(statements).to_have_count(len(report["focus"]["statements"]))
    expect(statements.first.locator(".focus-statement-text")).to_have_text(report["focus"]["statements"][0]["text"])
    expect(panel.locator(".panel-foot")).to_contain_text(str(report["n"]))
    assert fits_the_width(page)
    assert page.evaluate(CONTRAST_FAILURES) == []
    assert page.evaluate(SMALL_TARGETS) == []
    name = f"{lang}-{'phone' if viewport is PHONE else 'laptop'}"
    panel.screenshot(path=str(artifacts / f"dashboard-focus-{name}.png"))
    assert tab.csp_violations() == [] and page_errors(tab) == []


def test_a_scope_below_the_minimum_gets_a_note(demo: Demo, open_tab: Any, artifacts: Path) -> None:
    """Directie Ruimte (the scoped analyst's unit) has fewer than 50 respondents who answered every statement."""
    tab = _open(open_tab, demo, "en", LAPTOP, key=demo.analyst_key)
    page = tab.page
    note = page.locator("#panel-focus .panel-note")
    expect(note).to_contain_text("at least 50 respondents")
    expect(page.locator("#panel-focus .panel-error")).to_have_count(0)
    expect(page.locator("#panel-profile .panel-body")).not_to_contain_text("went wrong")
    page.locator("#panel-focus").screenshot(path=str(artifacts / "dashboard-focus-below-minimum.png"))
    # the report's 422 (its problem details are the designed answer here) is the one refusal the browser logged
    assert [(s, u.split("?")[0].rsplit("/", 1)[-1]) for s, u in tab.refused] == [(422, "drivers")]
    assert any(e.startswith("Failed to load resource") for e in tab.console_errors)
    assert tab.csp_violations() == [] and page_errors(tab) == []
