"""The comments panel in a real Chromium: per open question the number of comments and the comments themselves
(exactly those the API shows, in its random order), the theme counts (a count the API leaves out says "fewer than
the threshold"), a sentence where the group is below the comment threshold, and nothing the API hides anywhere on
the page; the k-anonymous export for organisation admins only. The outcome scale is labelled as the outcome.
Dutch and English, laptop and phone. Screenshots: tests/artifacts/dashboard-comments-*.png."""

import random
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import fits_the_width, loaded, page_errors, sign_in
from tests.factories import OrgContext, new_organisation
from tests.respond_factories import invite, submit
from tests.survey_factories import builtin_questionnaire, create_survey

pytestmark = pytest.mark.browser

QUESTIONS = [
    {"key": "share_knowledge", "texts": {"en": "What would help most to share knowledge in your team?",
                                         "nl": "Wat zou het meest helpen om kennis te delen in je team?"}},
    {"key": "learn_more", "texts": {"en": "What keeps you from applying what you learned?",
                                    "nl": "Wat houdt je tegen om toe te passen wat je leerde?"}},
]
THRESHOLD = 5
HIDDEN_TEXT = {"en": "The comments of this group are hidden", "nl": "De opmerkingen van deze groep zijn verborgen"}


@pytest.fixture(scope="module")
def wave(platform: httpx.Client, server_url: str, http: httpx.Client) -> dict[str, Any]:
    """A closed wave (k 3, comment threshold 5) of three teams: Groot (9 answered, most with comments, one with an
    e-mail address), Midden (6) and Klein (2, below the threshold: its comments must never show)."""
    org: OrgContext = new_organisation(platform, server_url)
    definition = builtin_questionnaire(org, version=None)
    items = [i["key"] for d in definition["dimensions"] for i in d["items"]]
    survey = create_survey(org, title="Meting met opmerkingen", languages=["nl", "en"], min_group_size=3,
                           questionnaire_id=definition["id"])
    settings = org.admin.put(f"{org.prefix}/surveys/{survey['id']}/comment-settings",
                             json={"questions": QUESTIONS, "threshold": THRESHOLD})
    assert settings.status_code == 200, settings.text
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    rng = random.Random(16)
    units, texts = {}, {}
    for name, size in (("Groot", 9), ("Midden", 6), ("Klein", 2)):
        units[name] = org.unit(name)
        texts[name] = []
        for i, token in enumerate(invite(org, survey["id"], units[name], count=size)):
            comments = {}
            if i % 4 != 3:
                comments["share_knowledge"] = f"{name} {i}: more time together with colleagues, feedback"
            if i % 3 == 0:
                comments["learn_more"] = f"{name} {i}: no room to try the idea" + (
                    ", mail me at jan@example.org" if name == "Groot" and i == 0 else "")
            texts[name] += list(comments.values())
            current = {key: rng.randint(1, 5) for key in items}
            response = submit(http, token, current, language="nl" if i % 2 else "en", comments=comments)
            assert response.status_code == 201, response.text
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    return {"org": org, "survey": survey, "units": units, "texts": texts, "admin": org.key("org_admin"),
            "analyst": org.key("analyst")}


def api(wave: dict[str, Any], report: str, unit: str | None = None) -> dict[str, Any]:
    org = wave["org"]
    response = org.admin.get(f"{org.prefix}/surveys/{wave['survey']['id']}/reports/{report}",
                             params={"unit_id": unit} if unit else {})
    assert response.status_code == 200, response.text
    return dict(response.json())


def open_dashboard(open_tab: Any, wave: dict[str, Any], lang: str, viewport: dict[str, int], unit: str | None = None,
                   key: str = "admin") -> Any:
    tab = open_tab("en-GB" if lang == "en" else "nl-NL", viewport)
    query = f"&unit={unit}" if unit else ""
    tab.page.goto(f"/dashboard?key&survey={wave['survey']['id']}{query}")
    sign_in(tab.page, wave[key])
    return tab


@pytest.mark.parametrize(("lang", "viewport", "device"), [("en", LAPTOP, "laptop"), ("nl", PHONE, "phone"),
                                                           ("nl", LAPTOP, "laptop"), ("en", PHONE, "phone")])
def test_the_comments_of_a_large_enough_group(wave: dict[str, Any], open_tab: Any, artifacts: Path, lang: str,
                                              viewport: dict[str, int], device: str) -> None:
    report, themes = api(wave, "comments"), api(wave, "comment-themes")
    assert report["shown"] and themes["shown"]
    tab = open_dashboard(open_tab, wave, lang, viewport)
    page = tab.page
    panel = page.locator("#panel-comments")
    expect(panel.locator("h2")).to_have_text("Comments" if lang == "en" else "Opmerkingen")
    for i, q in enumerate(QUESTIONS):
        section = panel.locator(".comments-question").nth(i)
        expect(section.locator("h3")).to_have_text(q["texts"][lang])
        shown = sorted(c["text"] for c in report["comments"] if c["question_key"] == q["key"])
        expect(section.locator(".comments-count")).to_have_text(
            f"{len(shown)} {'comments' if lang == 'en' else 'opmerkingen'}")
        assert sorted(section.locator(".comments-item blockquote").all_text_contents()) == shown
        expect(section.locator("ul")).to_have_attribute("aria-label", (
            "Comments on: " if lang == "en" else "Opmerkingen over: ") + q["texts"][lang])
    assert "jan@example.org" not in panel.text_content() and "[e-mail]" in panel.text_content()  # masked
    rows = panel.locator(".comments-themes tbody tr")
    expect(rows).to_have_count(len(themes["themes"]))
    few = "fewer than 5" if lang == "en" else "minder dan 5"
    for row, theme in zip(rows.all(), themes["themes"], strict=True):
        expect(row.locator("td")).to_have_text(few if theme["count"] is None else str(theme["count"]))
    expect(panel.locator("button.download")).to_have_count(2)  # the admin's export, CSV and XLSX
    assert "/comments/export?format=csv" in (panel.locator("button.download").first.get_attribute("data-url") or "")
    # the outcome scale is labelled as the outcome, not as a sixth culture dimension
    expect(page.locator("#panel-profile")).to_contain_text("(outcome)" if lang == "en" else "(uitkomst)")
    assert fits_the_width(page)
    panel.screenshot(path=str(artifacts / f"dashboard-comments-{lang}-{device}.png"))
    assert tab.csp_violations() == [] and page_errors(tab) == []


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_group_below_the_threshold_shows_a_sentence_and_nothing_hidden(wave: dict[str, Any], open_tab: Any,
                                                                          artifacts: Path, lang: str) -> None:
    klein = wave["units"]["Klein"]
    report, themes = api(wave, "comments", klein), api(wave, "comment-themes", klein)
    assert not report["shown"] and report["comments"] == [] and not themes["shown"]
    tab = open_dashboard(open_tab, wave, lang, PHONE if lang == "nl" else LAPTOP, unit=klein)
    page = tab.page
    panel = page.locator("#panel-comments")
    expect(panel.locator(".panel-note")).to_contain_text(HIDDEN_TEXT[lang])
    expect(panel.locator(".panel-note")).to_contain_text("5")
    expect(panel.locator(".comments-question, .comments-item, .comments-themes")).to_have_count(0)
    page_text = page.locator("body").text_content() or ""
    for text in wave["texts"]["Klein"]:
        assert text not in page_text
    panel.screenshot(path=str(artifacts / f"dashboard-comments-hidden-{lang}.png"))
    assert page_errors(tab) == []


def test_no_comment_the_api_hides_appears_on_any_scope(wave: dict[str, Any], open_tab: Any) -> None:
    """Per scope, the page shows exactly the comments the API shows there, and none of the others; a scope whose
    group is hidden shows none; the analyst (no export) sees no download."""
    every = {t for texts in wave["texts"].values() for t in texts}
    tab = open_dashboard(open_tab, wave, "en", LAPTOP, key="analyst")
    page = tab.page
    expect(page.locator("#panel-comments button.download")).to_have_count(0)
    for name, unit in [("the organisation", None), *wave["units"].items()]:
        if unit is not None:
            page.locator("#unit-select").select_option(unit)
            loaded(page)
        report = api(wave, "comments", unit)
        shown = {c["text"] for c in report["comments"]}
        on_page = set(page.locator("#panel-comments .comments-item blockquote").all_text_contents())
        assert on_page == shown, name
        body = page.locator("body").text_content() or ""
        assert not [t for t in every - shown if t in body]
        if not report["shown"]:
            expect(page.locator("#panel-comments .panel-note")).to_contain_text(HIDDEN_TEXT["en"])
            themes = api(wave, "comment-themes", unit)
            assert all(t["count"] is None for t in themes["themes"])
            expect(page.locator("#panel-comments .comments-themes")).to_have_count(0)
    assert page_errors(tab) == []
