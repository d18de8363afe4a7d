"""The leader's dashboard end to end in a real Chromium, on the demo municipality: every panel shows the figures
the JSON API gives, suppressed groups look suppressed (never zero), Dutch and English, laptop and phone, a
unit-scoped analyst key sees its own subtree only, every failure says so, and the key never appears in a URL.
Screenshots go to tests/artifacts/dashboard-*.png."""

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import (
    SMALL_TARGETS,
    Demo,
    diff,
    en,
    fits_the_width,
    gap,
    heat_row,
    hidden_comparison,
    hidden_long,
    hidden_short,
    load_demo,
    loaded,
    nl,
    open_tables,
    page_errors,
    scope_note,
    shown_name,
    sign_in,
    watch,
)
from tests.e2e.respond_helpers import CONTRAST_FAILURES
from tests.factories import OrgContext

pytestmark = pytest.mark.browser

WAVE = "Meting 2026"
# Chromium logs every answer with an error status as a console error; the error tests expect those.
LOAD_FAILURE = re.compile(
    r"^Failed to load resource: (the server responded with a status of (401|404|500)|net::ERR_FAILED)")


@pytest.fixture(scope="module")
def demo(server_url: str) -> Demo:
    return load_demo(server_url)


def _clean(tab: Any, traffic: Any, *keys: str, allowed: re.Pattern[str] | None = None) -> None:
    """No CSP violation, no script error, and the keys only ever in the Authorization header."""
    assert tab.csp_violations() == []
    assert [e for e in page_errors(tab) if not (allowed and allowed.search(e))] == []
    assert traffic.bearer and set(traffic.bearer) == {f"Bearer {key}" for key in keys}
    assert not [url for url in traffic.urls for key in keys if key in url or key[4:20] in url]


def test_every_panel_shows_the_figures_of_the_api_on_a_laptop(demo: Demo, open_tab: Any, artifacts: Path) -> None:
    survey = demo.survey(WAVE)
    sid = survey["id"]
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    traffic = watch(page)
    page.goto("/dashboard?key")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#key-input")).to_be_focused()
    sign_in(page, demo.admin_key)

    profile = demo.report(sid, "profile")
    expect(page.locator("#dashboard-title")).to_have_text(f"{WAVE} · Whole organisation")
    expect(page.locator("#dashboard-title")).to_be_focused()
    expect(page.locator("#survey-select")).to_have_value(sid)
    expect(page.locator("#survey-meta")).to_contain_text(f"{profile['group']['n']} respondents")
    expect(page.locator("#survey-meta")).to_contain_text("fewer than 5 are never shown")

    # participation first, then readiness: the dimension with the largest desired-current gap, the least ready team
    assert page.locator("#panels > section").first.get_attribute("id") == "panel-rates"
    assert page.locator("#panels > section").nth(1).get_attribute("id") == "panel-readiness"
    readiness = demo.report(sid, "readiness")
    top = readiness["dimensions"][0]
    first = page.locator("#panel-readiness .summary-item").first
    expect(first.locator(".summary-name")).to_have_text(top["name"])
    expect(first.locator(".summary-figure")).to_have_text(gap(top["desired_gap"]["gap"],
                                                               top["desired_gap"]["significant"]))
    least = readiness["least_ready_teams"][0]
    expect(page.locator("#panel-readiness")).to_contain_text(f"{least['group']['unit_name']}{en(least['index'])}")

    # heatmap: a shown team has its means, a suppressed one is hatched with "n < 5" and no figure at all
    heat = demo.report(sid, "heatmap", level="tree")
    assert [c.text_content() for c in page.locator("#panel-heatmap thead th.heat-col").all()] == \
        [shown_name(c) for c in heat["columns"]]
    shown = next(r for r in heat["rows"] if not r["group"]["suppressed"] and r["group"]["n"] > 9)
    hidden = next(r for r in heat["rows"] if r["group"]["suppressed"])
    row = heat_row(page, shown["group"]["unit_name"])
    expect(row.locator("td.heat-cell .heat-abs")).to_have_text(
        [re.compile(rf"^{en(c['mean'])}") for c in shown["cells"]])
    expect(row.locator("td.heat-n")).to_have_text(str(shown["group"]["n"]))
    suppressed = heat_row(page, hidden["group"]["unit_name"]).locator("td.heat-cell")
    expect(suppressed).to_have_count(len(heat["columns"]))
    for cell in suppressed.all():
        expect(cell).to_have_class(re.compile(r"\bheat-suppressed\b"))
        expect(cell.locator("[aria-hidden=true]")).to_have_text(hidden_short(hidden["group"]["reason"]))
        expect(cell.locator(".visually-hidden")).to_have_text(hidden_long(hidden["group"]["reason"]))
        assert not re.search(r"\d[.,]\d|\b0\b", cell.text_content() or "")
        assert page.evaluate("(c) => getComputedStyle(c).backgroundImage", cell.element_handle()).startswith(
            "repeating-linear-gradient")
    expect(page.locator("#panel-heatmap tfoot td.heat-ref")).to_have_text(
        [en(c["organisation_mean"]) for c in heat["columns"]])

    # the charts' tables: profile means with CI and n, desired gaps, perception gaps
    open_tables(page)
    profile_rows = page.locator("#panel-profile tbody tr")
    for i, dimension in enumerate(profile["dimensions"]):
        ci = dimension["ci"]
        expect(profile_rows.nth(i)).to_contain_text(
            f"{shown_name(dimension)}{en(dimension['mean'])}[{en(ci['low'])}; {en(ci['high'])}]{dimension['n']}")
    gaps = demo.report(sid, "desired-gap")["groups"][0]["dimensions"]
    expect(page.locator("#panel-desired tbody tr").first).to_contain_text(
        f"{gaps[0]['name']}{en(gaps[0]['mean_current'])}{en(gaps[0]['mean_desired'])}{diff(gaps[0]['gap'])}")
    expect(page.locator("#panel-desired .row-value").first).to_have_text(gap(gaps[0]["gap"], gaps[0]["significant"]))
    # the outcome scale, as the reports flag it, named so in every panel that lists the dimensions
    outcome = next(d for d in profile["dimensions"] if d["outcome"])
    for panel in ("profile", "heatmap", "desired", "perception", "statements", "trend", "agreement"):
        expect(page.locator(f"#panel-{panel}")).to_contain_text(shown_name(outcome))
    perception = demo.report(sid, "perception-gaps")
    compared = next(c for c in perception["comparisons"] if not c["suppressed"])
    figures = compared["dimensions"][0]
    chart = page.locator("#panel-perception .small-multiple").filter(has_text=compared["a"]["name"]).first
    expect(chart.locator(".small-n")).to_have_text(f"n = {compared['a']['n']} vs n = {compared['b']['n']}")
    # the bar is the estimate the verdict rests on: the mixed model's where it is fitted (`verdict_test`)
    bar = figures["mixed_model"]["difference"] if figures["verdict_test"] == "mixed_model" else figures["difference"]
    expect(chart.locator(".row-value").first).to_have_text(gap(bar, figures["significant"]))
    expect(chart.locator("svg")).to_have_attribute("role", "img")
    for c in perception["comparisons"]:
        if c["suppressed"]:  # a layer too small: said in words, no chart, no figure
            expect(page.locator("#panel-perception .hidden-item").filter(has_text=c["a"]["name"])).to_have_text(
                hidden_comparison(c["a"]["name"], c["b"]["name"], c["reason"]))

    # response rates: the whole organisation's total, and a suppressed layer without its count
    rates = demo.report(sid, "response-rates", level="children")
    scope = rates["scope"]
    expect(page.locator("#panel-rates tfoot tr")).to_have_text(re.compile(
        rf"Total\s*{scope['invited']}\s*{scope['answered']}\s*{round(scope['rate'] * 100)}%"))
    small = next(r for r in rates["layers"] if r["group"]["suppressed"])
    small_row = page.locator("#panel-rates tbody tr").filter(has_text=re.compile(r"Executive board|Director")).first
    assert small["answered"] is None
    expect(small_row.locator(".rate-bar-suppressed")).to_have_count(1)
    expect(small_row).to_contain_text(hidden_long(small["group"]["reason"]))
    assert small["invited"] is None  # hidden with the group, and not as "n < 5": that would say fewer were invited
    expect(small_row.locator("td").nth(0).locator("[aria-hidden=true]")).to_have_text("hidden")

    assert page.evaluate(CONTRAST_FAILURES) == []
    page.screenshot(path=str(artifacts / "dashboard-laptop-en.png"), full_page=True)

    # in Dutch: interface, names from the API in Dutch, decimal commas
    page.locator(".lang-button[data-lang=nl]").click()
    loaded(page)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("#heatmap-title")).to_have_text("Heatmap: waar de cultuur sterker en zwakker is")
    expect(page.locator("#dashboard-title")).to_have_text(f"{WAVE} · Hele organisatie")
    expect(page.locator("details.table-toggle:not([open])")).to_have_count(0)  # the tables opened stay open
    heat_nl = demo.report(sid, "heatmap", level="tree", lang="nl")
    expect(page.locator("#panel-heatmap thead th.heat-col")).to_have_text(
        [shown_name(c, "nl") for c in heat_nl["columns"]])
    expect(heat_row(page, shown["group"]["unit_name"]).locator("td.heat-cell .heat-abs")).to_have_text(
        [re.compile(rf"^{nl(c['mean'])}") for c in shown["cells"]])
    expect(heat_row(page, hidden["group"]["unit_name"]).locator("td.heat-cell .visually-hidden").first).to_have_text(
        hidden_long(hidden["group"]["reason"], "nl"))
    assert page.evaluate(CONTRAST_FAILURES) == []
    page.screenshot(path=str(artifacts / "dashboard-laptop-nl.png"), full_page=True)
    _clean(tab, traffic, demo.admin_key)


def test_a_phone_in_dutch_and_english(demo: Demo, open_tab: Any, artifacts: Path) -> None:
    sid = demo.survey(WAVE)["id"]
    tab = open_tab("nl-NL", PHONE)
    page = tab.page
    traffic = watch(page)
    page.goto("/dashboard?key")
    expect(page.locator("#signin-title")).to_have_text("Inloggen met uw API-sleutel")
    sign_in(page, demo.admin_key)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    profile = demo.report(sid, "profile", lang="nl")
    expect(page.locator("#panel-profile .row-label").first).to_have_text(profile["dimensions"][0]["name"])
    expect(page.locator("#panel-profile .row-value").first).to_have_text(
        f"{nl(profile['dimensions'][0]['mean'])}  (n = {profile['dimensions'][0]['n']})")
    assert fits_the_width(page)
    assert page.evaluate(CONTRAST_FAILURES) == []
    assert page.evaluate(SMALL_TARGETS) == []
    page.screenshot(path=str(artifacts / "dashboard-phone-nl.png"), full_page=True)

    page.locator(".lang-button[data-lang=en]").click()
    loaded(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#readiness-title")).to_have_text("Readiness for a learning organisation")
    expect(page.locator("#panel-profile .row-value").first).to_have_text(
        f"{en(profile['dimensions'][0]['mean'])}  (n = {profile['dimensions'][0]['n']})")
    assert fits_the_width(page)
    page.screenshot(path=str(artifacts / "dashboard-phone-en.png"), full_page=True)
    # the choice of language outlives a reload; the key stays for the tab's life, so no new sign-in
    page.reload()
    loaded(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _clean(tab, traffic, demo.admin_key)


def test_a_unit_scoped_analyst_sees_only_its_subtree_by_keyboard(demo: Demo, open_tab: Any) -> None:
    sid = demo.survey(WAVE)["id"]
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    traffic = watch(page)
    page.goto("/dashboard?key")
    expect(page.locator("#key-input")).to_be_focused()
    page.keyboard.type(demo.analyst_key)
    page.keyboard.press("Enter")
    loaded(page)
    expect(page.locator("#dashboard-title")).to_have_text(f"{WAVE} · Directie Ruimte")

    with demo.api(demo.analyst_key) as http:
        units = http.get(f"{demo.prefix}/units").json()
    options = page.locator("#unit-select option")
    assert [o.get_attribute("value") for o in options.all()] == [u["id"] for u in units]  # no "whole organisation"
    assert all(u["path"][0] == "Directie Ruimte" for u in units)
    expect(page.locator("#unit-select")).to_have_value(demo.analyst_unit)

    heat = demo.report(sid, "heatmap", key=demo.analyst_key, level="tree")
    assert heat["rows"] and all(r["group"]["unit_path"][0] == "Directie Ruimte" for r in heat["rows"])
    names = [r["group"]["unit_name"] for r in heat["rows"]]
    assert names[0] == "Directie Ruimte"  # the scope, then its departments and teams
    expect(page.locator("#panel-heatmap tbody .unit-name")).to_have_text(names)
    rates = demo.report(sid, "response-rates", key=demo.analyst_key, level="children")
    expect(page.locator("#panel-rates table").first.locator("tbody .unit-name")).to_have_text(
        [r["group"]["unit_name"] for r in rates["units"]])
    expect(page.locator("body")).not_to_contain_text("Directie Sociaal Domein")
    reports = [url for url in traffic.urls if "/reports/" in url]
    assert reports and all(f"unit_id={demo.analyst_unit}" in url for url in reports)

    # a team too small to show: the scope's own figures are withheld, and say why
    small = next(r for r in heat["rows"] if r["group"]["suppressed"])
    before = len(traffic.urls)
    page.locator("#unit-select").focus()
    page.locator("#unit-select").select_option(str(small["group"]["unit_id"]))
    loaded(page)
    expect(page.locator("#dashboard-title")).to_have_text(f"{WAVE} · {small['group']['unit_name']}")
    for panel in ("profile", "readiness"):
        expect(page.locator(f"#panel-{panel} .panel-note-suppressed")).to_have_text(
            scope_note(small["group"]["reason"]))
    expect(page.locator("#survey-meta")).not_to_contain_text("respondents ·")
    later = [url for url in traffic.urls[before:] if "/reports/" in url]
    assert later and all(f"unit_id={small['group']['unit_id']}" in url for url in later)
    _clean(tab, traffic, demo.analyst_key)


def test_every_failure_says_what_happened(demo: Demo, open_tab: Any) -> None:
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    traffic = watch(page)
    page.goto("/dashboard?key")
    page.locator("#sign-in").click()
    expect(page.locator("#signin-error-title")).to_have_text("Enter your API key.")

    wrong = "cgk_" + "x" * 40
    page.locator("#key-input").fill(wrong)
    page.locator("#sign-in").click()
    expect(page.locator("#signin-error-title")).to_have_text("This key is not accepted")
    expect(page.locator("#key-input")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#key-input")).to_be_focused()
    assert page.evaluate("Object.keys(sessionStorage)").count("culturegap.dashboard.key") == 0
    assert not [url for url in traffic.urls if wrong in url]

    # the network goes away, and comes back
    page.route("**/api/v1/me", lambda route: route.abort())
    page.locator("#key-input").fill(demo.admin_key)
    page.locator("#sign-in").click()
    expect(page.locator("#message-title")).to_have_text("No connection")
    expect(page.locator("#message-title")).to_be_focused()
    page.unroute("**/api/v1/me")
    page.locator("#message-retry").click()
    loaded(page)

    # one report fails: its panel says so and offers a retry; the others stand
    page.route("**/reports/perception-gaps*", lambda route: route.fulfill(
        status=500, content_type="application/problem+json",
        body='{"type":"urn:culturegap:problem:internal","title":"Internal error","status":500}'))
    with demo.api() as http:
        units = http.get(f"{demo.prefix}/units").json()
    sociaal = next(u["id"] for u in units if u["name"] == "Directie Sociaal Domein")
    page.locator("#unit-select").select_option(sociaal)
    loaded(page)
    expect(page.locator("#panel-perception [role=alert] .alert-title")).to_have_text("Something went wrong")
    expect(page.locator("#panel-heatmap td.heat-cell").first).to_be_visible()
    page.unroute("**/reports/perception-gaps*")
    page.locator("#panel-perception [role=alert] button").click()
    loaded(page)
    expect(page.locator("#panel-perception .small-multiple").first).to_be_visible()

    # a survey this key cannot see any more (404) is a clear message too
    page.route("**/reports/heatmap*", lambda route: route.fulfill(
        status=404, content_type="application/problem+json",
        body='{"type":"urn:culturegap:problem:not-found","title":"Not found","status":404}'))
    page.locator(".lang-button[data-lang=nl]").click()
    loaded(page)
    expect(page.locator("#panel-heatmap [role=alert] .alert-title")).to_have_text("Niet gevonden")
    page.unroute("**/reports/heatmap*")
    page.locator(".lang-button[data-lang=en]").click()
    loaded(page)

    # sign out: the key leaves the tab, a reload asks for it again
    page.locator("#sign-out").click()
    expect(page.locator("#view-signin")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('culturegap.dashboard.key')") is None
    page.reload()
    expect(page.locator("#view-signin")).to_be_visible()
    _clean(tab, traffic, demo.admin_key, wrong, allowed=LOAD_FAILURE)


def test_a_key_revoked_while_reading_asks_for_a_new_one(demo: Demo, open_tab: Any) -> None:
    with demo.api() as http:
        created = http.post(f"{demo.prefix}/keys", json={"name": "dashboard test", "role": "analyst"}).json()
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    traffic = watch(page)
    page.goto("/dashboard?key")
    sign_in(page, created["key"])
    with demo.api() as http:
        assert http.delete(f"{demo.prefix}/keys/{created['id']}").status_code == 204
    page.locator("#survey-select").select_option(demo.survey("Meting 2025")["id"])
    expect(page.locator("#signin-error-title")).to_have_text("This key is not accepted")
    assert page.evaluate("sessionStorage.getItem('culturegap.dashboard.key')") is None
    _clean(tab, traffic, created["key"], allowed=LOAD_FAILURE)


def test_a_platform_admin_picks_the_organisation(demo: Demo, org: OrgContext, platform_key: str,
                                                 open_tab: Any) -> None:
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    traffic = watch(page)
    page.goto("/dashboard?key")
    page.locator("#key-input").fill(platform_key)
    page.locator("#sign-in").click()
    expect(page.locator("#org-field")).to_be_visible()
    page.locator("#org-select").select_option(org.id)  # a new organisation: nothing to show yet, and it says so
    expect(page.locator("#dashboard-title")).to_have_text("No survey results yet")
    expect(page.locator("#panels")).to_be_hidden()
    expect(page.locator("#survey-select")).to_be_hidden()
    page.locator(".lang-button[data-lang=nl]").click()
    expect(page.locator("#dashboard-title")).to_have_text("Nog geen resultaten")
    page.locator(".lang-button[data-lang=en]").click()
    page.locator("#org-select").select_option(demo.org_id)
    loaded(page)
    expect(page.locator("#dashboard-title")).to_have_text(f"{WAVE} · Whole organisation")
    expect(page.locator("#org-name")).to_have_text("Gemeente Zuidhaven (demo)")
    _clean(tab, traffic, platform_key)


def test_every_language_has_every_interface_string(open_tab: Any) -> None:
    page = open_tab("en-GB", LAPTOP).page
    page.goto("/dashboard?key")
    keys = page.evaluate("""async () => {
      const { STRINGS } = await import("/static/dashboard-i18n.js");
      return Object.fromEntries(Object.entries(STRINGS).map(([lang, strings]) => [lang, Object.keys(strings)]));
    }""")
    assert set(keys) == {"en", "nl"}
    assert sorted(keys["en"]) == sorted(keys["nl"])


def test_the_page_is_served_under_the_same_strict_headers(http: httpx.Client) -> None:
    """No browser needed: the headers, the versioned asset links, and no way to run HTML from strings."""
    page = http.get("/dashboard")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == (
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-cache"
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>|\son\w+=|\sstyle=", page.text)
    links = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
    assert [link.split("?")[0] for link in links] == ["/static/favicon.svg", "/static/base.css",
                                                      "/static/dashboard.css", "/static/dashboard-findings.css",
                                                      "/static/dashboard-layout.css", "/static/dashboard-focus.css",
                                                      "/static/dashboard-arrows.css", "/static/dashboard-comments.css",
                                                      "/static/dashboard.js"]
    assert all(re.fullmatch(r"/static/[a-z0-9.-]+\?v=[0-9a-f]{16}", link) for link in links)
    entry = http.get(next(link for link in links if "dashboard.js" in link)).text
    modules = re.findall(r'from "\./([a-z0-9-]+\.js)\?v=[0-9a-f]{16}"', entry)
    assert "dashboard-api.js" in modules and "dashboard-i18n.js" in modules
    for name in {"dashboard.js", *modules, "dashboard-charts.js", "dashboard-dom.js"}:
        script = http.get(f"/static/{name}").text
        for unsafe in (".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                       "console.log"):
            assert unsafe not in script, (name, unsafe)
    assert "localStorage" not in http.get("/static/dashboard-api.js").text  # the key: this tab only
