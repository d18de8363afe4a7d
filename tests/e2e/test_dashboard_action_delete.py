"""Deleting an action from the dashboard's action plan in a real Chromium: "Delete" asks first (the focus on
"Cancel", the safe choice; cancelled, nothing changes and the focus returns), "Delete for good" removes it (the API's
delete, audited) and the list is read again; an action already gone is said in the confirmation, and nothing else
changes; a reader who may not plan sees no button. English on a laptop, Dutch on a phone. Screenshots:
tests/artifacts/dashboard-action-delete-*.png."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import fits_the_width, loaded, page_errors
from tests.e2e.test_dashboard_action_form import open_dashboard
from tests.e2e.test_dashboard_action_form import wave as wave  # a closed wave (k 3) of one team of six

pytestmark = pytest.mark.browser
GONE = "Failed to load resource: the server responded with a status of 404"
WORDS = {"en": {"delete": "Delete the action “{}”", "confirm": "Delete for good", "cancel": "Cancel",
                "question": "Delete the action “{}”?", "add": "Add an action", "gone": "Nothing was deleted",
                "done": "deleted"},
         "nl": {"delete": "De actie “{}” verwijderen", "confirm": "Voorgoed verwijderen", "cancel": "Annuleren",
                "question": "De actie “{}” verwijderen?", "add": "Actie toevoegen", "gone": "Er is niets verwijderd",
                "done": "verwijderd"}}


def url(wave: dict[str, Any]) -> str:
    return f"{wave['org'].prefix}/surveys/{wave['survey']['id']}/actions"


def plan(wave: dict[str, Any], title: str) -> str:
    response = wave["org"].admin.post(url(wave), json={"title": title, "dimension_key": "openness"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def titles(wave: dict[str, Any]) -> list[str]:
    response = wave["org"].admin.get(url(wave))
    assert response.status_code == 200, response.text
    return sorted(a["title"] for a in response.json())


@pytest.mark.parametrize(("lang", "viewport", "device"), [("en", LAPTOP, "laptop"), ("nl", PHONE, "phone")])
def test_an_admin_deletes_an_action_after_confirming(wave: dict[str, Any], open_tab: Any, artifacts: Path,
                                                     lang: str, viewport: dict[str, int], device: str) -> None:
    words, org = WORDS[lang], wave["org"]
    gone, kept = f"Coffee round ({lang})", f"Learning lunch ({lang})"
    gone_id = plan(wave, gone)
    plan(wave, kept)
    tab = open_dashboard(open_tab, wave, lang, viewport)
    page = tab.page
    panel = page.locator("#panel-actions")
    delete = panel.get_by_role("button", name=words["delete"].format(gone))
    # asked first; cancelled: nothing changes, the focus returns to the button
    delete.click()
    confirm = panel.get_by_role("group", name=words["question"].format(gone))
    expect(confirm).to_be_visible()
    expect(confirm.get_by_role("button", name=words["cancel"])).to_be_focused()
    assert fits_the_width(page)
    confirm.screenshot(path=str(artifacts / f"dashboard-action-delete-{lang}-{device}.png"))
    page.keyboard.press("Enter")
    expect(confirm).to_have_count(0)
    expect(delete).to_be_focused()
    assert gone in titles(wave)
    # by keyboard: the confirmation's "delete for good"
    page.keyboard.press("Enter")
    confirm.get_by_role("button", name=words["confirm"]).focus()
    page.keyboard.press("Enter")
    expect(panel.locator("tbody tr").filter(has_text=gone)).to_have_count(0)
    expect(panel.locator("tbody tr").filter(has_text=kept)).to_have_count(1)
    expect(panel.get_by_role("button", name=words["add"])).to_be_focused()
    expect(page.locator("#status")).to_contain_text(words["done"])
    assert gone not in titles(wave) and kept in titles(wave)
    events = org.admin.get(f"{org.prefix}/audit-events", params={"object_id": gone_id}).json()["events"]
    assert [e["action"] for e in events] == ["action.deleted", "action.created"]  # newest first
    assert tab.csp_violations() == [] and page_errors(tab) == []


def test_an_action_gone_meanwhile_is_said_and_nothing_else_changes(wave: dict[str, Any], open_tab: Any) -> None:
    title = "Shadowing a colleague"
    action = plan(wave, title)
    tab = open_dashboard(open_tab, wave, "en", LAPTOP)
    panel = tab.page.locator("#panel-actions")
    before = titles(wave)
    assert wave["org"].admin.delete(f"{url(wave)}/{action}").status_code == 204  # another tab deleted it
    panel.get_by_role("button", name=WORDS["en"]["delete"].format(title)).click()
    confirm = panel.get_by_role("group", name=WORDS["en"]["question"].format(title))
    confirm.get_by_role("button", name="Delete for good").click()
    expect(confirm.get_by_role("alert")).to_contain_text(WORDS["en"]["gone"])
    expect(confirm.get_by_role("alert")).to_be_focused()
    assert titles(wave) == [t for t in before if t != title]
    assert [e for e in page_errors(tab) if not e.startswith(GONE)] == []


def test_a_reader_who_may_not_plan_sees_no_delete(wave: dict[str, Any], open_tab: Any) -> None:
    plan(wave, "Open door hour")
    tab = open_dashboard(open_tab, wave, "en", LAPTOP, key="analyst")
    loaded(tab.page)
    expect(tab.page.locator("#panel-actions tbody tr").filter(has_text="Open door hour")).to_have_count(1)
    expect(tab.page.locator("#panel-actions .action-delete, #panel-actions .action-confirm")).to_have_count(0)
    assert page_errors(tab) == []
