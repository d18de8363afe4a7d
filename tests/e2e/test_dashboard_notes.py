"""What the dashboard says about the protection, in a real Chromium on real server data (issue 12, items 2-4; issue
13, item 5): when an open wave's figures were published (they don't move with one more response, the rates do),
whose answers a unit's figures include (the roll-up), naming only units the viewer may see, and why every hidden
figure is hidden; a signed-out visit goes to the sign-in page, the key form stays at `/dashboard?key`; the selection
lives in the address. Dutch and English, phone and laptop. Screenshots go to tests/artifacts/dashboard-notes-*.png."""

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import (
    SMALL_TARGETS,
    Demo,
    fits_the_width,
    heat_row,
    hidden_long,
    hidden_short,
    load_demo,
    loaded,
    page_errors,
    sign_in,
)
from tests.factories import OrgContext
from tests.respond_factories import invite, item_keys, submit
from tests.survey_factories import open_survey

pytestmark = pytest.mark.browser

WAVE, EARLIER = "Meting 2026", "Meting 2025"
NL_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
             "november", "december")
# Every hidden figure says why, with k = 5: too few, protecting a smaller group, or no per-layer cells in a team.
REASON = {"en": re.compile(r"fewer than 5|smaller group|per layer within a team"),
          "nl": re.compile(r"minder dan 5|kleinere groep|per laag")}


@pytest.fixture(scope="module")
def demo(server_url: str) -> Demo:
    return load_demo(server_url)


def amsterdam(iso: str, lang: str) -> str:
    """An instant as the notes write it: Amsterdam time, the language's long date."""
    at = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZoneInfo("Europe/Amsterdam"))
    if lang == "nl":
        return f"{at.day} {NL_MONTHS[at.month - 1]} {at.year} om {at:%H:%M}"
    return f"{at.day} {at:%B} {at.year} at {at:%H:%M}"


def published_open(iso: str, lang: str) -> str:
    if lang == "nl":
        return (f"Cijfers van {amsterdam(iso, lang)} (Nederlandse tijd), toen deze meting voor het laatst stopte met "
                "antwoorden ontvangen. Ze verschuiven niet zolang de meting open is: antwoorden van daarna tellen mee "
                "bij de volgende sluiting, en alleen als elke groep er geen of minstens 5 bij heeft gekregen. De "
                "responspercentages hieronder zijn actueel.")
    return (f"Figures as of {amsterdam(iso, lang)} (Amsterdam time), when this wave last stopped taking responses. "
            "They don't move while it is open: responses given since join them at the next close, and only when "
            "every group has gained none or at least 5. The response rates below are live.")


def _units(demo: Demo, key: str | None = None) -> dict[str, dict[str, Any]]:
    with demo.api(key) as http:
        return {u["name"]: u for u in http.get(f"{demo.prefix}/units").json()}


def _clean(tab: Any) -> None:
    assert tab.csp_violations() == []
    assert page_errors(tab) == []


def test_signed_out_goes_to_sign_in_and_the_key_form_stays_reachable(demo: Demo, open_tab: Any) -> None:
    survey = demo.survey(EARLIER)
    for locale, viewport, link in (("en-GB", LAPTOP, "Sign in with an API key"),
                                   ("nl-NL", PHONE, "Aanmelden met een API-sleutel")):
        tab = open_tab(locale, viewport)
        page = tab.page
        page.goto(f"/dashboard?survey={survey['id']}")  # a shared link, opened signed out
        page.wait_for_url("**/signin")
        expect(page.locator("#email-input")).to_be_visible()
        page.get_by_role("link", name=link).click()
        page.wait_for_url("**/dashboard?key")
        expect(page.locator("#key-input")).to_be_focused()
        sign_in(page, demo.admin_key)
        expect(page.locator("#survey-select")).to_have_value(survey["id"])  # the link's wave, after the detour
        assert fits_the_width(page)
        _clean(tab)
    # make run's printed address: the key form, at once
    page = open_tab("en-GB", LAPTOP).page
    page.goto("/dashboard?key")
    expect(page.locator("#signin-title")).to_have_text("Sign in with your API key")
    assert page.url.endswith("/dashboard?key")


@pytest.mark.parametrize(("lang", "viewport"), [("en", LAPTOP), ("nl", PHONE)])
def test_the_publication_of_the_demo_waves(demo: Demo, open_tab: Any, artifacts: Path, lang: str,
                                           viewport: dict[str, int]) -> None:
    current, earlier = demo.survey(WAVE), demo.survey(EARLIER)
    assert current["status"] == "open" and current["published_at"]
    tab = open_tab("en-GB" if lang == "en" else "nl-NL", viewport)
    page = tab.page
    page.goto("/dashboard?key")
    sign_in(page, demo.admin_key)
    expect(page.locator("#publication-note")).to_have_text(published_open(current["published_at"], lang))
    assert fits_the_width(page) and page.evaluate(SMALL_TARGETS) == []
    page.locator(".toolbar").screenshot(path=str(artifacts / f"dashboard-notes-publication-{lang}.png"))
    page.locator("#survey-select").select_option(earlier["id"])
    loaded(page)
    closed = (f"Figures as of {amsterdam(earlier['published_at'], 'en')} (Amsterdam time). Responses that arrive "
              "after a publication join the figures only when every group has gained none or at least 5 of them."
              if lang == "en" else
              f"Cijfers van {amsterdam(earlier['published_at'], 'nl')} (Nederlandse tijd). Antwoorden die na een "
              "publicatie binnenkomen, tellen pas mee als elke groep er geen of minstens 5 bij heeft gekregen.")
    expect(page.locator("#publication-note")).to_have_text(closed)
    _clean(tab)


def test_an_open_wave_shows_no_figures_until_published_and_then_holds_them(org: OrgContext, http: httpx.Client,
                                                                          open_tab: Any) -> None:
    ids = org.tree({"Alpha": {}, "Beta": {}})
    survey = open_survey(org, ask_desired=False, min_group_size=5)
    sid, reports = survey["id"], f"{org.prefix}/surveys/{survey['id']}/reports"
    tokens = invite(org, sid, ids["Alpha"], count=8)
    for token in tokens[:6]:
        assert submit(http, token, dict.fromkeys(item_keys(org), 4)).status_code in (200, 201)
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    page.goto("/dashboard?key")
    sign_in(page, org.key())
    expect(page.locator("#publication-note")).to_have_text(
        "No figures yet: a wave's figures are published when it closes, so they never move with one more response. "
        "The response rates below are live.")
    expect(page.locator("#panel-rates tfoot td").nth(1)).to_have_text("6")  # live

    assert org.admin.post(f"{org.prefix}/surveys/{sid}/close").status_code == 200
    assert org.admin.post(f"{org.prefix}/surveys/{sid}/reopen").status_code == 200
    before = org.admin.get(f"{reports}/profile").json()
    assert submit(http, tokens[6], dict.fromkeys(item_keys(org), 1)).status_code in (200, 201)
    after = org.admin.get(f"{reports}/profile").json()
    assert after == before and before["group"]["n"] == 6  # one more response: the figures don't move
    reopened = org.admin.get(f"{org.prefix}/surveys/{sid}").json()
    page.reload()
    loaded(page)
    expect(page.locator("#publication-note")).to_have_text(published_open(reopened["published_at"], "en"))
    expect(page.locator("#panel-rates tfoot td").nth(1)).to_have_text("7")  # the rates are live
    expect(page.locator("#survey-meta")).to_contain_text("6 respondents")  # the figures are not
    _clean(tab)


def test_whose_answers_a_units_figures_include(demo: Demo, open_tab: Any, artifacts: Path) -> None:
    sid = demo.survey(WAVE)["id"]
    units = _units(demo)
    ruimte = demo.report(sid, "profile", unit_id=units["Directie Ruimte"]["id"])["group"]
    below = [path[-1] for path in ruimte["counts_own_of"]]
    assert "Team Water" in below and "Klimaatadaptatie" in below
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    page.goto(f"/dashboard?key&survey={sid}&unit={units['Directie Ruimte']['id']}")
    sign_in(page, demo.admin_key)
    expect(page.locator("#dashboard-title")).to_have_text(f"{WAVE} · Directie Ruimte")
    listed = ", ".join(below[:-1]) + f" and {below[-1]}"
    expect(page.locator("#rollup-notes li")).to_have_text([
        f"The figures of Directie Ruimte include the answers of small groups in {listed}, counted here: too few to "
        "show apart."])
    water = heat_row(page, "Team Water")
    expect(water.locator(".unit-rollup")).to_have_text("counted in Directie Ruimte")
    expect(page.locator("#panel-rates .unit-rollup")).to_have_count(0)  # the rates roll up by their own counts
    expect(water.locator("td.heat-cell").first.locator(".visually-hidden")).to_have_text(
        hidden_long("below_minimum"))
    page.locator("#unit-select").select_option(units["Klimaatadaptatie"]["id"])
    loaded(page)
    expect(page.locator("#rollup-notes li")).to_have_text([
        "The answers of the people attached directly to Klimaatadaptatie (such as its head) count with Directie "
        "Ruimte: too few to show apart. The figures of Klimaatadaptatie are those of the units below it that count "
        "here."])
    page.locator(".lang-button[data-lang=nl]").click()
    loaded(page)
    expect(page.locator("#rollup-notes li")).to_have_text([
        "De antwoorden van wie direct bij Klimaatadaptatie hoort (zoals het hoofd) tellen mee bij Directie Ruimte: "
        "te weinig om apart te tonen. De cijfers van Klimaatadaptatie zijn die van de onderdelen eronder die hier "
        "meetellen."])
    page.locator(".toolbar").screenshot(path=str(artifacts / "dashboard-notes-rollup-nl.png"))
    _clean(tab)


def test_a_note_names_only_units_the_viewer_may_see(demo: Demo, open_tab: Any) -> None:
    water = _units(demo)["Team Water"]
    with demo.api() as http:
        created = http.post(f"{demo.prefix}/keys", json={"name": "Team Water", "role": "analyst",
                                                         "unit_id": water["id"]}).json()
    tab = open_tab("nl-NL", PHONE)
    page = tab.page
    page.goto("/dashboard?key")
    sign_in(page, created["key"])
    expect(page.locator("#dashboard-title")).to_have_text(f"{WAVE} · Team Water")
    expect(page.locator("#rollup-notes li")).to_have_text([
        "De antwoorden van Team Water tellen mee in de cijfers van een groter onderdeel erboven: te weinig om apart "
        "te tonen (minder dan 5), dus Team Water toont geen cijfers."])
    expect(page.locator("#figure-notes")).not_to_contain_text("Directie Ruimte")  # (the path above it is its own)
    expect(page.locator("#panel-heatmap .unit-rollup")).to_have_text(["telt mee bij een groter onderdeel erboven"])
    expect(page.locator("#panel-profile .panel-note-suppressed")).to_contain_text("minder dan 5")
    assert fits_the_width(page) and page.evaluate(SMALL_TARGETS) == []
    _clean(tab)


HIDDEN_MARKS = """() => [
  ...[...document.querySelectorAll("#panels .suppressed-text")].map((e) => e.title || e.textContent),
  ...[...document.querySelectorAll("#panels .heat-suppressed")].map((e) => e.title
      || (e.querySelector(".visually-hidden") || e).textContent),
  ...[...document.querySelectorAll("#panels .row-suppressed .row-value, #panels .rate-bar-suppressed")]
      .map((e) => e.textContent),
  ...[...document.querySelectorAll("#panels .panel-note-suppressed, #panels .hidden-item")].map((e) => e.textContent),
]"""


@pytest.mark.parametrize(("lang", "viewport"), [("en", LAPTOP), ("nl", PHONE)])
def test_every_hidden_figure_says_why(demo: Demo, open_tab: Any, lang: str, viewport: dict[str, int]) -> None:
    sid = demo.survey(WAVE)["id"]
    units = _units(demo)
    tab = open_tab("en-GB" if lang == "en" else "nl-NL", viewport)
    page = tab.page
    page.goto("/dashboard?key")
    sign_in(page, demo.admin_key)
    seen: list[str] = []
    for unit in ("", units["Directie Ruimte"]["id"], units["Klimaatadaptatie"]["id"]):
        page.locator("#unit-select").select_option(unit)
        loaded(page)
        marks = page.evaluate(HIDDEN_MARKS)
        assert marks, unit
        assert [m for m in marks if not REASON[lang].search(m)] == [], unit
        seen += marks
    assert any(hidden_long("below_minimum", lang) in m for m in seen)
    assert any(hidden_long("protects_smaller_group", lang) in m for m in seen)
    # the response-rate rows of Klimaatadaptatie: each hidden row with its own reason
    rates = demo.report(sid, "response-rates", level="children", unit_id=units["Klimaatadaptatie"]["id"])
    table = page.locator("#panel-rates table").first
    # (which rows the protection hides can depend on ties between unit ids, new in each test's demo organisation;
    # Team Water, with two respondents, is always one)
    hidden = [row for row in rates["units"] if row["group"]["reason"]]
    assert "Team Water" in [row["group"]["unit_name"] for row in hidden]
    for row in hidden:
        reason = row["group"]["reason"]
        assert reason in ("below_minimum", "protects_smaller_group")
        cells = table.locator("tbody tr").filter(has_text=row["group"]["unit_name"]).locator("td")
        short, long = hidden_short(reason, lang), hidden_long(reason, lang)
        invited = "hidden" if lang == "en" else "verborgen"  # not "n < 5": that would say how many were invited
        expect(cells).to_have_text([invited + long, short + long, long])
    assert fits_the_width(page)
    _clean(tab)


def test_the_selection_lives_in_the_address(demo: Demo, open_tab: Any) -> None:
    earlier = demo.survey(EARLIER)
    wonen = _units(demo)["Wonen"]
    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    page.goto("/dashboard?key")
    sign_in(page, demo.admin_key)
    page.locator("#survey-select").select_option(earlier["id"])
    loaded(page)
    page.locator("#unit-select").select_option(wonen["id"])
    loaded(page)
    address = page.url
    assert address.endswith(f"/dashboard?key&survey={earlier['id']}&unit={wonen['id']}")
    assert demo.admin_key not in address
    page.reload()
    loaded(page)
    expect(page.locator("#dashboard-title")).to_have_text(f"{EARLIER} · Wonen")
    other = open_tab("en-GB", PHONE)  # shared with a colleague: a browser of their own, their own key
    other.page.goto(address)
    sign_in(other.page, demo.admin_key)
    expect(other.page.locator("#dashboard-title")).to_have_text(f"{EARLIER} · Wonen")
    expect(other.page.locator("#survey-select")).to_have_value(earlier["id"])
    _clean(tab)
    _clean(other)
