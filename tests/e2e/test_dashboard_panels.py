"""The dashboard's panels on team gaps, trend across waves, agreement and data quality, in a real Chromium on the
demo municipality: each shows the figures of the JSON API for the same request (in English and in Dutch), says in
words and with a hatch what is suppressed, keeps the reader's focus on the panel's own controls, and fits a phone.
Screenshots go to tests/artifacts/dashboard-panel-*.png."""

import csv
import io
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import (
    HIDDEN,
    SMALL_TARGETS,
    Demo,
    en,
    finding_text,
    fits_the_width,
    gap,
    heat_row,
    hidden_comparison,
    hidden_long,
    hidden_short,
    holm_text,
    load_demo,
    loaded,
    nl,
    open_tables,
    p_text,
    page_errors,
    scope_note,
    sign_in,
    significant,
)
from tests.e2e.respond_helpers import CONTRAST_FAILURES
from tests.factories import OrgContext
from tests.report_factories import Population, answers_csv
from tests.respond_factories import csv_upload, invite, item_keys, submit
from tests.survey_factories import open_survey

pytestmark = pytest.mark.browser

WAVE, EARLIER = "Meting 2026", "Meting 2025"
NEW_PANELS = ("teamgaps", "trend", "agreement", "quality")


@pytest.fixture(scope="module")
def demo(server_url: str) -> Demo:
    return load_demo(server_url)


def _fmt(lang: str) -> Any:
    return en if lang == "en" else nl


def _shots(page: Any, artifacts: Path, name: str) -> None:
    for panel in NEW_PANELS:
        page.locator(f"#panel-{panel}").screenshot(path=str(artifacts / f"dashboard-panel-{panel}-{name}.png"))


def _finding(d: dict[str, Any], lang: str) -> str:
    """A gap's sentence on the page: the reading, its verdict in words agreeing with the adjusted interval."""
    assert d["significant"] == d["difference_ci_holm"]["excludes_zero"]
    return finding_text(d["reading"][lang], d["significant"], d["difference_ci_holm"]["family_size"], lang)


def _yes(flag: bool, lang: str) -> str:
    return ("yes" if flag else "no") if lang == "en" else ("ja" if flag else "nee")


def _check_team_gaps(page: Any, report: dict[str, Any], lang: str) -> dict[str, Any]:
    panel = page.locator("#panel-teamgaps")
    team = next(c for c in report["teams"] if not c["suppressed"])
    expect(panel.locator("#teamgaps-team")).to_have_value(team["a"]["unit_id"])
    rest = "rest of the organisation" if lang == "en" else "rest van de organisatie"
    expect(panel.locator(".small-n")).to_have_text(
        f"n = {team['a']['n']} {'in the team' if lang == 'en' else 'in het team'} vs n = {team['b']['n']} "
        f"{'in the' if lang == 'en' else 'in de'} {rest}")
    dims = team["dimensions"]
    expect(panel.locator(".row-value")).to_have_text([
        hidden_long(d["reason"], lang) if d["reason"] in HIDDEN else gap(d["difference"], d["significant"], lang)
        for d in dims])
    expect(panel.locator(".row-label")).to_have_text([re.compile(f"^{re.escape(d['name'])}") for d in dims])
    expect(panel.locator(".finding-text")).to_have_text([_finding(d, lang) for d in dims if d["reading"]])
    rows = panel.locator("details.table-toggle tbody tr")
    expect(rows).to_have_count(len(dims))
    for row, d in zip(rows.all(), dims, strict=True):
        if d["reason"] in HIDDEN:  # one cell across the figures: the reason, short on screen and in words
            expect(row.locator("td")).to_have_text([hidden_short(d["reason"], lang) + hidden_long(d["reason"], lang)])
            continue
        expect(row.locator("td")).to_have_text([
            gap(d["difference"], None, lang),
            holm_text(d["difference_ci_holm"], lang),
            f"{d['n_a']} / {d['n_b']}", p_text(d["welch"]["p_adjusted"], lang), _yes(d["significant"], lang)])
    return team


def _check_trend(page: Any, report: dict[str, Any], lang: str) -> None:
    fmt = _fmt(lang)
    panel = page.locator("#panel-trend")
    expect(panel.locator(".wave-chip")).to_have_text([f"{w['title']}n = {w['n']}" for w in report["waves"]])
    changes = [d["changes"][0] for d in report["dimensions"]]
    expect(panel.locator(".row-value")).to_have_text([gap(c["difference"], significant(c), lang) for c in changes])
    first = report["dimensions"][0]
    row = panel.locator("details.table-toggle tbody tr").first
    w0, w1 = first["waves"]
    expect(row.locator("td")).to_have_text([
        fmt(w0["mean"]), str(w0["n"]), fmt(w1["mean"]), str(w1["n"]), gap(changes[0]["difference"], None, lang),
        holm_text(changes[0]["difference_ci_holm"], lang),
        p_text(changes[0]["welch"]["p_adjusted"], lang), _yes(significant(changes[0]), lang)])


def _check_agreement(page: Any, report: dict[str, Any], lang: str) -> None:
    fmt = _fmt(lang)
    panel = page.locator("#panel-agreement")
    cards = panel.locator(".agree-card")
    expect(cards).to_have_count(len(report["dimensions"]))
    for card, d in zip(cards.all(), report["dimensions"], strict=True):
        expect(card.locator(".agree-name")).to_contain_text(d["name"])
        expect(card.locator("dd")).to_have_text([fmt(d["icc1"]), fmt(d["icc2"]), fmt(d["median_rwg_j"])])
        expect(card.locator(".agree-n")).to_contain_text(f"{d['n_teams']} teams, n = {d['n']}")
        if d["flagged"]:
            expect(card).to_have_class(re.compile(r"\bagree-flagged\b"))
            start = "Team means on" if lang == "en" else "Lees de teamgemiddelden op"
            expect(card.locator(".agree-reading")).to_contain_text(f"{start} {d['name']}")
            if "icc2_below_0.70" in d["flags"]:
                expect(card.locator(".agree-reading")).to_contain_text(f"ICC(2) {fmt(d['icc2'])}")
        else:
            expect(card.locator(".agree-reading")).to_have_count(0)
        differ = d["teams_differ"]["reading"]  # the tests across teams in the API's own sentence
        if differ:
            expect(card.locator(".agree-differ")).to_have_text(differ[lang])
        else:
            expect(card.locator(".agree-differ")).to_have_count(0)
    shown = max((t for t in report["teams"] if not t["suppressed"]),  # one with a hidden dimension, if any
                key=lambda t: sum(d["reason"] in HIDDEN for d in t["dimensions"]))
    row = panel.locator("tbody tr").filter(has=page.locator(".unit-name", has_text=re.compile(
        f"^{re.escape(shown['group']['unit_name'])}$")))
    values = [d for d in shown["dimensions"] if d["rwg_j"] is not None]
    expect(row.locator(".rwg-value")).to_have_text([fmt(d["rwg_j"]) for d in values])
    expect(row.locator(".rwg-n")).to_have_text([f"n = {d['n']}" for d in values])
    below = "Not shown: fewer than 5 complete answers" if lang == "en" else \
        "Niet getoond: minder dan 5 volledige antwoorden"
    expect(row.locator(".heat-suppressed .visually-hidden")).to_have_text(
        [below if d["reason"] == "below_minimum" else hidden_long(d["reason"], lang)
         for d in shown["dimensions"] if d["reason"] in HIDDEN])
    hidden_team = next(t for t in report["teams"] if t["suppressed"])
    hidden_row = panel.locator("tbody tr").filter(has_text=hidden_team["group"]["unit_name"])
    expect(hidden_row.locator(".heat-suppressed")).to_have_count(len(report["dimensions"]))
    expect(hidden_row.locator(".rwg-value")).to_have_count(0)  # no figure, never a zero


KINDS = {"en": {"negative_item_total": "A statement seems to be scored the wrong way round",
                "low_alpha": "A dimension is not measured consistently here",
                "straight_lining": "Many people gave the same answer to every statement",
                "high_dont_know": "Many people answered \u201cdon't know\u201d"},
         "nl": {"negative_item_total": "Een stelling lijkt omgekeerd gescoord",
                "low_alpha": "Een dimensie wordt hier niet consistent gemeten",
                "straight_lining": "Veel mensen gaven op elke stelling hetzelfde antwoord",
                "high_dont_know": "Veel mensen antwoordden \u201cweet ik niet\u201d"}}


def _check_quality(page: Any, report: dict[str, Any], heat: dict[str, Any], lang: str) -> None:
    """Each kind of warning once, with what it means; every warning's group listed under its kind; the words of a
    warning only in the data-quality panel (beside the figures: a ⚠ naming the kind, and a pointer)."""
    warnings = report["warnings"]
    kinds = list(dict.fromkeys(w["code"] for w in warnings))
    panel = page.locator("#panel-quality")
    expect(panel.locator(".quality-kind-name")).to_have_count(len(kinds))
    for code in kinds:
        block = panel.locator(f".quality-kind[data-code={code}]")
        expect(block.locator(".quality-kind-name")).to_have_text(KINDS[lang][code])
        expect(block.locator(".quality-meaning")).to_have_count(1)
        mine = [w for w in warnings if w["code"] == code]
        groups = list(dict.fromkeys(w["group"]["unit_name"] for w in mine))
        for name in groups:
            expect(block.locator(".quality-group-name").filter(has_text=re.compile(f"^{re.escape(name)}"))
                   ).not_to_have_count(0)
        expect(block.locator(".quality-message")).to_have_count(len(mine))  # behind "Details"
    expect(panel.locator(".quality-evidence").first).to_contain_text(f"n = {warnings[0]['evidence']['n']}")
    text = page.locator("#panels").inner_text()
    for w in warnings:
        assert text.count(w["message"][lang]) <= 1, w["message"][lang]
    link = {"en": "\u26a0 Data quality: points to keep in mind ({})",
            "nl": "\u26a0 Kwaliteit van de gegevens: aandachtspunten ({})"}[lang]
    expect(page.locator("#quality-link")).to_have_text(link.format(len(kinds)))
    # beside the figures: a team's cell in the heatmap carries the ⚠, naming the kind
    rows = {r["group"]["unit_id"] for r in heat["rows"] if not r["group"]["suppressed"]}
    on_team = next((w for w in warnings if w["group"]["unit_id"] in rows and w["dimension"]
                    and not w["group"]["layer_key"]), None)
    if on_team is not None:  # the demo's data decide which groups get warnings
        column = [c["key"] for c in heat["columns"]].index(on_team["dimension"])
        cell = heat_row(page, on_team["group"]["unit_name"]).locator("td.heat-cell").nth(column)
        expect(cell.locator(".warn-mark .visually-hidden")).to_contain_text(KINDS[lang][on_team["code"]])
        expect(page.locator("#panel-heatmap .warn-pointer")).to_have_count(1)
    assert on_team is not None or any(w["group"]["layer_key"] for w in warnings), warnings


def test_the_panels_show_the_figures_of_the_api_in_english_and_dutch(demo: Demo, open_tab: Any,
                                                                      artifacts: Path) -> None:
    sid, earlier = demo.survey(WAVE)["id"], demo.survey(EARLIER)["id"]
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    page.goto("/dashboard?key")
    sign_in(page, demo.admin_key)
    open_tables(page)
    for lang in ("en", "nl"):
        if lang == "nl":
            page.locator(".lang-button[data-lang=nl]").click()
            loaded(page)
        _check_team_gaps(page, demo.report(sid, "team-gaps", level="teams", lang=lang), lang)
        expect(page.locator(f"#trend-wave-{earlier}")).to_be_checked()
        _check_trend(page, demo.report(sid, "trend", surveys=earlier, lang=lang), lang)
        _check_agreement(page, demo.report(sid, "agreement", level="teams", lang=lang), lang)
        _check_quality(page, demo.report(sid, "data-quality"), demo.report(sid, "heatmap", level="tree"), lang)
        assert page.evaluate(CONTRAST_FAILURES) == []
        _shots(page, artifacts, f"laptop-{lang}")
    assert tab.csp_violations() == [] and page_errors(tab) == []


def test_the_panel_controls_work_by_keyboard_and_keep_the_focus(demo: Demo, open_tab: Any) -> None:
    sid, earlier = demo.survey(WAVE)["id"], demo.survey(EARLIER)["id"]
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    busy: list[str] = []

    def once_busy(route: Any) -> None:  # the database busy once (503, Retry-After): the dashboard asks again
        if busy:
            route.continue_()
            return
        busy.append(route.request.url)
        route.fulfill(status=503, content_type="application/problem+json", headers={"Retry-After": "1"},
                      body='{"type":"urn:culturegap:problem:unavailable","title":"Service unavailable","status":503}')

    page.route("**/reports/agreement*", once_busy)
    page.goto("/dashboard?key")
    sign_in(page, demo.admin_key)
    assert len(busy) == 1
    expect(page.locator("#panel-agreement .agree-card").first).to_be_visible()
    expect(page.locator("#panel-agreement [role=alert]")).to_have_count(0)
    page.unroute("**/reports/agreement*")
    report = demo.report(sid, "team-gaps", level="teams")
    shown = [c for c in report["teams"] if not c["suppressed"]]

    # another team, by keyboard: its own figures, and the focus stays on the picker
    picker = page.locator("#teamgaps-team")
    picker.focus()
    page.keyboard.press("ArrowDown")
    following = report["teams"][[c["a"]["unit_id"] for c in report["teams"]].index(shown[0]["a"]["unit_id"]) + 1]
    expect(picker).to_have_value(following["a"]["unit_id"])
    expect(picker).to_be_focused()
    panel = page.locator("#panel-teamgaps")
    if following["suppressed"]:
        expect(panel.locator(".panel-note-suppressed")).to_have_text(
            hidden_comparison(following["a"]["name"], "Rest of the organisation", following["reason"]))
        expect(panel.locator("svg")).to_have_count(0)
    # a team too small to compare: hatched, said in words, no figure at all
    small = next(c for c in report["teams"] if c["suppressed"])
    picker.select_option(small["a"]["unit_id"])
    expect(panel.locator(".panel-note-suppressed .legend-suppressed")).to_have_count(1)
    expect(panel.locator(".panel-note-suppressed")).to_have_text(
        hidden_comparison(small["a"]["name"], "Rest of the organisation", small["reason"]))
    expect(panel.locator(".row-value")).to_have_count(0)
    expect(picker).to_be_focused()
    second = shown[1]
    picker.select_option(second["a"]["unit_id"])
    expect(panel.locator(".row-value")).to_have_text([gap(d["difference"], d["significant"])
                                                      for d in second["dimensions"]])
    # the choice outlives a change of language
    page.locator(".lang-button[data-lang=nl]").click()
    loaded(page)
    expect(page.locator("#teamgaps-team")).to_have_value(second["a"]["unit_id"])
    page.locator(".lang-button[data-lang=en]").click()
    loaded(page)

    # the earlier wave unticked with the space bar: no comparison, and a word on what to do; ticked again: back
    box = page.locator(f"#trend-wave-{earlier}")
    box.focus()
    page.keyboard.press("Space")
    expect(page.locator("#panel-trend .panel-note")).to_have_text("Tick at least one earlier wave to see the change.")
    expect(box).to_be_focused()
    expect(box).not_to_be_checked()
    page.keyboard.press("Space")
    loaded(page)
    expect(box).to_be_checked()
    expect(box).to_be_focused()
    changes = [d["changes"][0] for d in demo.report(sid, "trend", surveys=earlier)["dimensions"]]
    expect(page.locator("#panel-trend .row-value")).to_have_text([gap(c["difference"], significant(c))
                                                                  for c in changes])
    assert [u for u in tab.request_urls if "/reports/trend" in u] and all(
        f"surveys={earlier}" in u for u in tab.request_urls if "/reports/trend" in u)
    assert tab.csp_violations() == [] and page_errors(tab) == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_panels_on_a_phone(demo: Demo, open_tab: Any, artifacts: Path, lang: str) -> None:
    sid = demo.survey(WAVE)["id"]
    tab = open_tab("nl-NL" if lang == "nl" else "en-GB", PHONE)
    page = tab.page
    page.goto("/dashboard?key")
    sign_in(page, demo.admin_key)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    team = next(c for c in demo.report(sid, "team-gaps", level="teams", lang=lang)["teams"] if not c["suppressed"])
    expect(page.locator("#panel-teamgaps .finding-text").first).to_have_text(_finding(team["dimensions"][0], lang))
    assert fits_the_width(page)
    assert page.evaluate(CONTRAST_FAILURES) == []
    assert page.evaluate(SMALL_TARGETS) == []
    _shots(page, artifacts, f"phone-{lang}")
    assert tab.csp_violations() == [] and page_errors(tab) == []


def test_a_unit_too_small_to_show_shows_no_figures_in_the_new_panels(demo: Demo, open_tab: Any,
                                                                    artifacts: Path) -> None:
    sid, earlier = demo.survey(WAVE)["id"], demo.survey(EARLIER)["id"]
    heat = demo.report(sid, "heatmap", level="teams")
    trends = {r["group"]["unit_id"]: demo.report(sid, "trend", unit_id=r["group"]["unit_id"], surveys=earlier)
              for r in heat["rows"] if r["group"]["suppressed"]}
    small = next(r["group"] for r in heat["rows"] if r["group"]["unit_id"] in trends  # hidden in both waves
                 and all(w["suppressed"] and w["n"] is None for w in trends[r["group"]["unit_id"]]["waves"]))
    trend = trends[small["unit_id"]]
    page = open_tab("en-GB", LAPTOP).page
    page.goto("/dashboard?key")
    sign_in(page, demo.admin_key)
    page.locator("#unit-select").select_option(small["unit_id"])
    loaded(page)
    for panel in ("teamgaps", "agreement"):
        expect(page.locator(f"#panel-{panel} .panel-note-suppressed")).to_have_text(scope_note(small["reason"]))
    chips = page.locator("#panel-trend .wave-chip-suppressed")
    expect(chips).to_have_count(len(trend["waves"]))
    expect(chips.first.locator(".visually-hidden")).to_have_text(hidden_long(trend["waves"][0]["reason"]))
    expect(page.locator("#panel-trend .row-suppressed")).to_have_count(len(trend["dimensions"]))
    expect(page.locator("#panel-trend .row-value").first).to_have_text(
        hidden_long(trend["dimensions"][0]["changes"][0]["reason"]))
    expect(page.locator("#panel-quality .panel-note-suppressed")).to_contain_text(
        "too few respondents to check" if small["reason"] == "below_minimum" else "would reveal a smaller group")
    page.locator("#panel-trend").screenshot(path=str(artifacts / "dashboard-panel-trend-suppressed.png"))


def test_imported_responses_and_warnings_beside_the_figures(org: OrgContext, http: httpx.Client, open_tab: Any,
                                                            artifacts: Path) -> None:
    """An organisation of two units: web answers through invitations in both (every answer the same: straight-
    lining), and imported answers in Alpha with one item keyed the wrong way (a critical warning)."""
    ids = org.tree({"Alpha": {}, "Beta": {}})
    sid = open_survey(org, ask_desired=False, min_group_size=5)["id"]
    for unit, invited, answered in (("Alpha", 8, 6), ("Beta", 10, 7)):
        for token in invite(org, sid, ids[unit], count=invited)[:answered]:
            assert submit(http, token, dict.fromkeys(item_keys(org), 3)).status_code in (200, 201)
    text, rows = answers_csv(org, Population([("Alpha", "employee", 30, 0.0)], seed=5), ask_desired=False)
    flipped = item_keys(org)[0]
    for row in rows:
        row[flipped] = str(6 - int(row[flipped])) if row[flipped] else ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=text.splitlines()[0].split(","))
    writer.writeheader()
    writer.writerows(rows)
    assert org.admin.post(f"{org.prefix}/surveys/{sid}/responses/import",
                          files=csv_upload(out.getvalue())).status_code == 201
    assert org.admin.post(f"{org.prefix}/surveys/{sid}/close").status_code == 200  # figures: published at close
    reports = f"{org.prefix}/surveys/{sid}/reports"
    rates = org.admin.get(f"{reports}/response-rates").json()
    quality = org.admin.get(f"{reports}/data-quality").json()
    critical = next(w for w in quality["warnings"] if w["code"] == "negative_item_total" and w["item"] == flipped)
    lining = next(w for w in quality["warnings"] if w["code"] == "straight_lining" and w["group"]["unit_id"] is None)

    agreement = org.admin.get(f"{reports}/agreement", params={"level": "teams"}).json()
    page = open_tab("en-GB", LAPTOP).page
    page.goto("/dashboard?key")
    sign_in(page, org.key())
    # response rates: stored responses against invitations, and no rate where imports would inflate it
    units = {r["group"]["unit_name"]: r for r in rates["units"]}
    assert units["Alpha"]["answered"] == 36 and units["Alpha"]["reason"] == "imported_responses"
    table = page.locator("#panel-rates table").first
    for name, invited, answered, rate in (("Alpha", 8, 36, "no rate: includes imported responses"),
                                          ("Beta", 10, 7, "70%")):
        expect(table.locator("tbody tr").filter(has_text=name).locator("td")).to_have_text(
            [str(invited), str(answered), rate])
    expect(table.locator("tfoot td")).to_have_text(["18", "43", "no rate: includes imported responses"])
    # the critical warning beside the profile's dimension, and in words under the chart with its n
    profile = org.admin.get(f"{reports}/profile").json()
    keyed_wrong = {w["dimension"] for w in quality["warnings"] if w["severity"] == "critical"}
    expect(page.locator("#panel-profile .row-label").filter(has=page.locator(".row-warn.warn-critical"))).to_have_text(
        [f"{d['name']}\u26a0" for d in profile["dimensions"] if d["key"] in keyed_wrong])
    expect(page.locator("#panel-profile .warn-pointer")).to_have_count(1)  # the words: once, in the quality panel
    quality_panel = page.locator("#panel-quality")
    expect(quality_panel.locator(".quality-message").filter(has_text=critical["message"]["en"])).to_have_count(1)
    expect(quality_panel.locator(".quality-message").filter(has_text=lining["message"]["en"])).to_have_count(1)
    expect(quality_panel.locator(".quality-kind").first.locator(".severity-tag")).to_have_text("\u26a0 Critical")
    expect(quality_panel.locator(".quality-kind").first.locator(".quality-kind-name")).to_have_text(
        "A statement seems to be scored the wrong way round")
    expect(page.locator("#panel-trend .panel-note")).to_have_text(
        "There is no earlier wave of this questionnaire to compare with.")
    # two teams that hardly differ: team means are no team properties, flagged and said in one sentence
    flagged = next(d for d in agreement["dimensions"] if d["flags"] == ["icc1_below_0.05", "icc2_below_0.70"])
    card = page.locator("#panel-agreement .agree-card").filter(
        has=page.locator(".agree-name", has_text=flagged["name"]))
    expect(card.locator(".agree-verdict")).to_have_text("\u2691 do not read as team property")
    expect(card.locator(".agree-reading")).to_have_text(
        f"Team means on {flagged['name']} should not be read as properties of the teams: hardly any of the variation "
        f"lies between teams (ICC(1) {en(flagged['icc1'])}, below 0.05) and team means are not reliable (ICC(2) "
        f"{en(flagged['icc2'])}, below 0.70).")
    for panel in ("rates", "profile", "quality", "agreement"):
        page.locator(f"#panel-{panel}").screenshot(path=str(artifacts / f"dashboard-panel-{panel}-imported.png"))
