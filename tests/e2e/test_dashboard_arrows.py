"""Trend arrows beside the scores (issue 15, item 4) and the heatmap's statements view in one request (item 2), in a
real Chromium on the demo municipality: the profile (chart and table), the readiness summary and the statements get
an arrow exactly where the API's trend (and statements) report give a change with both waves' figures shown, each
with its size and verdict said in a visually hidden sentence; no arrow next to a hidden figure, also for a unit
hidden in the earlier wave. English and Dutch, laptop and phone; screenshots go to
tests/artifacts/dashboard-arrows-*.png."""

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import (
    HIDDEN,
    Demo,
    fits_the_width,
    load_demo,
    loaded,
    open_tables,
    page_errors,
    sign_in,
)
from tests.factories import OrgContext
from tests.report_factories import Population, survey_with_responses
from tests.reports.test_board_arrows import FIRST, LATER
from tests.survey_factories import builtin_questionnaire

pytestmark = pytest.mark.browser

WAVE = "Meting 2026"
LOCALE = {"en": "en-GB", "nl": "nl-NL"}
WORDS = {"en": {"up": "Since {wave}: up {size} points", "down": "Since {wave}: down {size} points",
                "flat": "Since {wave}: about the same ({change} points)", "clear": "a clear change",
                "noise": "within what chance alone could give", "adjusted": " (adjusted for {count} comparisons)"},
         "nl": {"up": "Sinds {wave}: {size} punt hoger", "down": "Sinds {wave}: {size} punt lager",
                "flat": "Sinds {wave}: ongeveer gelijk ({change} punt)", "clear": "een duidelijke verandering",
                "noise": "binnen wat toeval alleen kan geven",
                "adjusted": " (gecorrigeerd voor {count} vergelijkingen)"}}

# Every arrow on the page, with whether the figure beside it (its statement, summary line, table row or heatmap cell)
# says it is hidden.
ARROWS_BESIDE_HIDDEN = """
() => [...document.querySelectorAll('#panels .trend-arrow')].map((a) => {
  const around = a.closest('.statement-mean, .summary-line, .summary-detail, tr, td.heat-cell');
  return around && (around.querySelector('.suppressed-text, .stack-suppressed, .heat-suppressed, .suppressed')
    || /Not shown|Niet getoond|n < 5/.test(around.textContent)) ? around.textContent : null;
}).filter(Boolean)
"""


@pytest.fixture(scope="module")
def demo(server_url: str) -> Demo:
    return load_demo(server_url)


def two(x: float, lang: str) -> str:
    text = str(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return text.replace(".", ",") if lang == "nl" else text


def signed(x: float, lang: str) -> str:
    text = two(abs(x), lang)
    return text if text in ("0.00", "0,00") else f"{'+' if x > 0 else chr(0x2212)}{text}"


def sentence(change: dict[str, Any], wave: str, lang: str) -> str:
    """The visually hidden sentence of an arrow, as dashboard-arrows.js words it."""
    words, d = WORDS[lang], change["difference"]
    p = (change.get("welch") or {}).get("p_adjusted")
    clear = p is not None and p < 0.05
    kind = "flat" if abs(d) < 0.05 and not clear else "up" if d > 0 else "down"
    family = change["welch"]["family_size"]
    verdict = words["clear" if clear else "noise"] + (words["adjusted"].format(count=family) if family > 1 else "")
    return f"{words[kind].format(wave=wave, size=two(abs(d), lang), change=signed(d, lang))}, {verdict}."


def shown(f: dict[str, Any] | None) -> bool:
    return bool(f) and f["mean"] is not None and f.get("reason") not in HIDDEN  # type: ignore[union-attr]


def dimension_changes(trend: dict[str, Any], means: dict[str, float | None]) -> dict[str, dict[str, Any]]:
    """Per dimension key, the change the page may draw: both waves show it, and so does the panel."""
    if len(trend["waves"]) != 2 or any(w["suppressed"] for w in trend["waves"]):
        return {}
    return {d["key"]: d["changes"][0] for d in trend["dimensions"] if all(shown(f) for f in d["waves"])
            and d["changes"][0]["difference"] is not None and means.get(d["key"]) is not None}


def statement_changes(dim: dict[str, Any]) -> list[dict[str, Any]]:
    return [s["change"] for s in dim["statements"] if shown(s["current"]) and shown(s["previous"])
            and s["change"] and s["change"]["difference"] is not None]


Reader = Callable[..., dict[str, Any]]  # (report name, **query) -> the API's JSON answer


def check_panels(page: Any, report: Reader, lang: str, unit: str | None) -> int:
    """Profile, readiness and statements against the API of the same scope; the number of arrows drawn."""
    scope = {"unit_id": unit} if unit else {}
    trend = report("trend", lang=lang, **scope)
    wave = trend["waves"][0]["title"]
    profile = report("profile", lang=lang, **scope)
    expected = dimension_changes(trend, {d["key"]: d["mean"] for d in profile["dimensions"]})
    expect(page.locator("#panel-profile svg .row-trend")).to_have_count(len(expected))
    open_tables(page)
    arrows = page.locator("#panel-profile table .trend-arrow")
    expect(arrows).to_have_count(len(expected))
    names = {d["key"]: d["name"] for d in profile["dimensions"]}
    for i, (key, change) in enumerate(expected.items()):
        expect(arrows.nth(i).locator(".visually-hidden")).to_have_text(sentence(change, wave, lang))
        assert float(arrows.nth(i).get_attribute("data-change") or "nan") == pytest.approx(change["difference"])
        expect(page.locator("#panel-profile .trend-sentences li").nth(i)).to_have_text(re.compile(  # "(outcome)"
            rf"^{re.escape(names[key])}( \([^)]*\))?: {re.escape(sentence(change, wave, lang))}$"))
    readiness = report("readiness", lang=lang, **scope)
    ready = dimension_changes(trend, {d["key"]: d["mean"] for d in readiness["dimensions"]})
    if readiness["suppressed"]:
        ready = {}
    expect(page.locator("#panel-readiness .trend-arrow")).to_have_count(len(ready))
    for d in readiness["dimensions"]:
        item = page.locator("#panel-readiness .summary-item").filter(
            has=page.locator(".summary-name", has_text=re.compile(f"^{re.escape(d['name'])}$"))).first
        if d["key"] in ready:
            size = signed(ready[d["key"]]["difference"], lang)
            expect(item.locator(".trend-arrow .trend-size")).to_contain_text(size)
        elif not readiness["suppressed"]:
            expect(item.locator(".trend-arrow")).to_have_count(0)
    # the statements of the first dimension (the report is asked for when the panel comes near)
    page.locator("#panel-statements").scroll_into_view_if_needed()
    items = report("item-profile", lang=lang, **scope)
    if items["suppressed"]:
        expect(page.locator("#panel-statements .trend-arrow")).to_have_count(0)
        return len(expected) + len(ready)
    dim = items["dimensions"][0]
    expect(page.locator("#panel-statements li.statement")).to_have_count(len(dim["statements"]))
    changes = statement_changes(dim)
    marks = page.locator("#panel-statements li.statement .statement-mean .trend-arrow")
    expect(marks).to_have_count(len(changes))
    for i, change in enumerate(changes):
        expect(marks.nth(i).locator(".visually-hidden")).to_have_text(sentence(change, wave, lang))
    return len(expected) + len(ready) + len(changes)


@pytest.mark.parametrize(("lang", "viewport"), [("en", LAPTOP), ("nl", PHONE), ("en", PHONE), ("nl", LAPTOP)],
                         ids=["en-laptop", "nl-phone", "en-phone", "nl-laptop"])
def test_arrows_beside_the_scores_of_the_organisation(demo: Demo, open_tab: Any, artifacts: Path, lang: str,
                                                      viewport: dict[str, int]) -> None:
    sid = demo.survey(WAVE)["id"]
    tab = open_tab(LOCALE[lang], viewport)
    page = tab.page
    page.goto("/dashboard?key")
    sign_in(page, demo.admin_key)
    assert check_panels(page, lambda name, **query: demo.report(sid, name, **query), lang, None) > 10
    assert page.evaluate(ARROWS_BESIDE_HIDDEN) == []
    assert fits_the_width(page)
    name = f"{lang}-{'phone' if viewport is PHONE else 'laptop'}"
    for panel in ("profile", "readiness", "statements"):
        # an artifact, not a check: on a loaded machine "waiting for element to be stable" took longer than 15 s
        page.locator(f"#panel-{panel}").screenshot(path=str(artifacts / f"dashboard-arrows-{panel}-{name}.png"),
                                                   animations="disabled", timeout=60_000)
    assert tab.csp_violations() == [] and page_errors(tab) == []


def test_no_arrow_where_the_earlier_wave_hides_the_figure(org: OrgContext, open_tab: Any, artifacts: Path) -> None:
    """Two waves (those of the board report's test): Team 2 hidden in the first and shown now, Team 1 shown in both
    but its openness hidden in the first."""
    openness = builtin_questionnaire(org)["dimensions"][0]["key"]
    waves = []
    for title, pop in (("Wave 2025", Population(FIRST, seed=51, missing=0.0, blank={0: {openness: 4}})),
                       ("Wave 2026", Population(LATER, seed=52, missing=0.0))):
        waves.append(survey_with_responses(org, pop, title=title))
        for step in ("open", "close"):  # the dashboard lists waves that have been opened
            assert org.admin.post(f"{org.prefix}/surveys/{waves[-1].id}/{step}").status_code == 200
    later = waves[1]

    def report(name: str, **query: Any) -> dict[str, Any]:
        response = org.admin.get(f"{org.prefix}/surveys/{later.id}/reports/{name}", params=query)
        assert response.status_code == 200, response.text
        return dict(response.json())

    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    page.goto("/dashboard?key")
    sign_in(page, org.key())
    assert check_panels(page, report, "en", None) > 10  # the organisation: both waves show every figure
    for path, hidden in (("Town/Care/Team 2", None), ("Town/Care/Team 1", openness)):
        unit = later.units[path]
        trend = report("trend", unit_id=unit)
        page.locator("#unit-select").select_option(unit)
        loaded(page)
        check_panels(page, report, "en", unit)
        profile = report("profile", unit_id=unit)
        assert not profile["suppressed"]  # shown now
        names = [d["name"] for d in trend["dimensions"] if hidden in (None, d["key"])]
        assert all(not shown(d["waves"][0]) for d in trend["dimensions"] if d["name"] in names)
        for name in names:  # the figure shows now, but no arrow and no change beside it
            row = page.locator("#panel-profile table tbody tr").filter(has=page.locator("th", has_text=name))
            expect(row).to_have_count(1)
            expect(row.locator(".trend-arrow")).to_have_count(0)
        if hidden is None:
            expect(page.locator("#panels .trend-arrow")).to_have_count(0)
        assert page.evaluate(ARROWS_BESIDE_HIDDEN) == []
        team = path.rsplit("/", 1)[1].replace(" ", "")
        page.locator("#panel-profile").screenshot(path=str(artifacts / f"dashboard-arrows-hidden-before-{team}.png"))
    assert tab.csp_violations() == [] and page_errors(tab) == []


def test_the_statements_heatmap_in_one_request_for_the_child_units(demo: Demo, open_tab: Any,
                                                                   artifacts: Path) -> None:
    sid = demo.survey(WAVE)["id"]
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    page.goto("/dashboard?key")
    sign_in(page, demo.admin_key)
    page.locator("#heat-view-items").click()
    expect(page.locator("#panel-heatmap .heat-statement").first).to_be_visible()
    asked = sorted({u for u in tab.request_urls if "/reports/item-profile" in u})
    assert len(asked) <= 2 and any("level=children" in u for u in asked), asked
    children = demo.report(sid, "item-profile", level="children")
    head = [h.strip() for h in page.locator("#panel-heatmap thead th.heat-col").all_inner_texts()]
    assert head[1:] == [u["group"]["unit_name"] for u in children["units"]]
    first = children["units"][0]
    if not first["suppressed"]:  # the first statement's mean in the first unit's column
        s = first["dimensions"][0]["statements"][0]["current"]
        cell = page.locator("#panel-heatmap tbody tr:not(.heat-group)").first.locator("td.heat-cell").nth(1)
        if s["mean"] is not None:
            expect(cell.locator(".heat-abs")).to_contain_text(two(s["mean"], "en"))
    page.locator("#panel-heatmap").screenshot(path=str(artifacts / "dashboard-arrows-heatmap-items.png"))
    assert tab.csp_violations() == [] and page_errors(tab) == []
