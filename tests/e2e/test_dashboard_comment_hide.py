"""An organisation admin hides a comment on the dashboard and shows it again, by keyboard, in a real Chromium: the
comment leaves every other reader's view (the API's hidden flag, audited), stays listed to the admin marked as
hidden, and the focus stays on its button. Readers who are not admins get no such button. English on a laptop,
Dutch on a phone. Screenshots: tests/artifacts/dashboard-comment-hide-*.png."""

import random
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import fits_the_width, page_errors, sign_in
from tests.factories import OrgContext, new_organisation
from tests.respond_factories import invite, submit
from tests.survey_factories import builtin_questionnaire, create_survey

pytestmark = pytest.mark.browser

QUESTION = {"key": "share_knowledge", "texts": {"en": "What would help most to share knowledge in your team?",
                                                "nl": "Wat zou het meest helpen om kennis te delen in je team?"}}
NAMING = {"en": "Piet in room 4 never answers my questions", "nl": "Piet van kamer 4 beantwoordt nooit mijn vragen"}
WORDS = {"en": {"hide": "Hide", "show": "Show again", "badge": "Hidden from readers", "count": "5 comments",
                "hidden": "1 hidden from readers"},
         "nl": {"hide": "Verbergen", "show": "Weer tonen", "badge": "Verborgen voor lezers", "count": "5 opmerkingen",
                "hidden": "1 verborgen voor lezers"}}


@pytest.fixture(scope="module")
def wave(platform: httpx.Client, server_url: str, http: httpx.Client) -> dict[str, Any]:
    """A closed wave (k 3, comment threshold 5) of one team of six, each with a comment; two comments name
    someone (one for each language's test)."""
    org: OrgContext = new_organisation(platform, server_url)
    definition = builtin_questionnaire(org, version=None)
    items = [i["key"] for d in definition["dimensions"] for i in d["items"]]
    survey = create_survey(org, title="Meting", languages=["nl", "en"], min_group_size=3,
                           questionnaire_id=definition["id"])
    prefix = f"{org.prefix}/surveys/{survey['id']}"
    assert org.admin.put(f"{prefix}/comment-settings", json={"questions": [QUESTION], "threshold": 5}).status_code \
        == 200
    assert org.admin.post(f"{prefix}/open").status_code == 200
    rng = random.Random(7)
    texts = [NAMING["en"], NAMING["nl"], *(f"Team lunch {i}: share what went wrong" for i in range(4))]
    for token, text in zip(invite(org, survey["id"], org.unit("Team Oost"), count=6), texts, strict=True):
        response = submit(http, token, {key: rng.randint(1, 5) for key in items},
                          comments={QUESTION["key"]: text})
        assert response.status_code == 201, response.text
    assert org.admin.post(f"{prefix}/close").status_code == 200
    return {"org": org, "survey": survey, "prefix": prefix, "admin": org.key("org_admin"),
            "analyst": org.key("analyst")}


def comments(wave: dict[str, Any], client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"{wave['prefix']}/reports/comments", params=params)
    assert response.status_code == 200, response.text
    assert response.json()["shown"]
    return list(response.json()["comments"])


def audited(wave: dict[str, Any], comment_id: str) -> list[str]:
    org = wave["org"]
    response = org.admin.get(f"{org.prefix}/audit-events", params={"object_id": comment_id})
    assert response.status_code == 200, response.text
    return [e["action"] for e in reversed(response.json()["events"])]  # oldest first


def open_dashboard(open_tab: Any, wave: dict[str, Any], lang: str, viewport: dict[str, int], key: str) -> Any:
    tab = open_tab("en-GB" if lang == "en" else "nl-NL", viewport)
    tab.page.goto(f"/dashboard?key&survey={wave['survey']['id']}")
    sign_in(tab.page, wave[key])
    return tab


@pytest.mark.parametrize(("lang", "viewport", "device"), [("en", LAPTOP, "laptop"), ("nl", PHONE, "phone")])
def test_an_admin_hides_a_comment_and_shows_it_again_by_keyboard(wave: dict[str, Any], open_tab: Any,
                                                                  artifacts: Path, lang: str,
                                                                  viewport: dict[str, int], device: str) -> None:
    org, words, text = wave["org"], WORDS[lang], NAMING[lang]
    analyst = org.client_for("analyst")
    [target] = [c for c in comments(wave, org.admin) if c["text"] == text]
    tab = open_dashboard(open_tab, wave, lang, viewport, "admin")
    page = tab.page
    panel = page.locator("#panel-comments")
    item = panel.locator(".comments-item").filter(has_text=text)
    button = item.get_by_role("button", name=words["hide"])
    expect(button).to_have_attribute("aria-describedby", f"comment-{target['id']}")  # says which comment
    expect(panel.locator(".comment-toggle")).to_have_count(6)  # one per comment
    button.focus()
    page.keyboard.press("Enter")
    # read again: marked as hidden, still listed to the admin, the focus on the same (now "show again") button
    show = item.get_by_role("button", name=words["show"])
    expect(show).to_be_focused()
    expect(item.locator(".comment-hidden-badge")).to_have_text(words["badge"])
    expect(panel.locator(".comments-count")).to_have_text(f"{words['count']} · {words['hidden']}"
                                                          + (" (listed here to admins only)" if lang == "en"
                                                             else " (hier alleen zichtbaar voor beheerders)"))
    expect(page.locator("#status")).to_contain_text("hidden" if lang == "en" else "verborgen")
    # the API: gone for every other reader, listed to admins with hidden=true, audited
    assert text not in [c["text"] for c in comments(wave, analyst)]
    assert text not in [c["text"] for c in comments(wave, org.admin)]
    assert [c["hidden"] for c in comments(wave, org.admin, hidden=True) if c["id"] == target["id"]] == [True]
    assert audited(wave, target["id"]) == ["comment.hidden"]
    assert fits_the_width(page)
    panel.screenshot(path=str(artifacts / f"dashboard-comment-hide-{lang}-{device}.png"))
    # shown again with the space bar
    page.keyboard.press("Space")
    expect(item.get_by_role("button", name=words["hide"])).to_be_focused()
    expect(item.locator(".comment-hidden-badge")).to_have_count(0)
    expect(panel.locator(".comments-count")).to_have_text(words["count"].replace("5", "6"))
    assert text in [c["text"] for c in comments(wave, analyst)]
    assert audited(wave, target["id"]) == ["comment.hidden", "comment.shown"]
    assert tab.csp_violations() == [] and page_errors(tab) == []


def test_a_reader_who_is_not_an_admin_gets_no_button_and_never_a_hidden_comment(wave: dict[str, Any],
                                                                                 open_tab: Any) -> None:
    org = wave["org"]
    [target] = [c for c in comments(wave, org.admin) if c["text"] == NAMING["en"]]
    assert org.admin.patch(f"{wave['prefix']}/comments/{target['id']}", json={"hidden": True}).status_code == 200
    try:
        tab = open_dashboard(open_tab, wave, "en", LAPTOP, "analyst")
        panel = tab.page.locator("#panel-comments")
        expect(panel.locator(".comments-item")).to_have_count(5)
        expect(panel.locator(".comment-toggle, .comment-hidden-badge")).to_have_count(0)
        assert NAMING["en"] not in (tab.page.locator("body").text_content() or "")
        # the analyst's request never asked for the hidden ones
        assert not [u for u in tab.request_urls if "/reports/comments" in u and "hidden=" in u]
        assert page_errors(tab) == []
    finally:
        assert org.admin.patch(f"{wave['prefix']}/comments/{target['id']}", json={"hidden": False}).status_code \
            == 200
