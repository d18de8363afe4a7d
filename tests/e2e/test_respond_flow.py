"""The respondent's form end to end in a real Chromium: a whole questionnaire answered by clicking and by keyboard,
a reload that resumes the saved draft, the submission, and the stored response read back through the CSV export."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.respond_helpers import (
    CONTRAST_FAILURES,
    SMALL_TARGETS,
    Answer,
    cell,
    checked_answers,
    click_answers,
    dimensions,
    exported,
    invite,
    keyboard_answers,
    option,
)
from tests.factories import OrgContext
from tests.survey_factories import create_questionnaire, open_survey

pytestmark = pytest.mark.browser


def _plan(item_keys: list[str], shift: int) -> dict[str, Answer]:
    """A spread of answers over the scale, with one "don't know" and one item left unanswered."""
    plan: dict[str, Answer] = {key: 1 + (i + shift) % 5 for i, key in enumerate(item_keys)}
    plan[item_keys[3]] = "dont_know"
    plan[item_keys[-1]] = None
    return plan


def _clean(tab: Any, token: str) -> None:
    """No CSP violation, no script error, and the token only ever in the X-Survey-Token header."""
    assert tab.csp_violations() == []
    assert tab.console_errors == []
    assert tab.token_headers and set(tab.token_headers) == {token}
    assert not [url for url in tab.request_urls if token in url]


def test_a_whole_questionnaire_on_a_laptop_with_the_desired_frame(org: OrgContext, open_tab: Any,
                                                                  artifacts: Path) -> None:
    unit = org.unit("Wijkzaken")
    survey = open_survey(org, title="Culture wave 2026", ask_desired=True)
    [token] = invite(org, survey["id"], unit)
    dims = dimensions(org)
    keys = [key for d in dims for key in d.item_keys]
    plan = {"current": _plan(keys, 0), "desired": _plan(keys, 2)}
    plan["desired"][dims[1].item_keys[0]] = None  # answered as it is now, not as it should be

    tab = open_tab("en-GB", LAPTOP)
    page = tab.page
    page.goto(f"/respond#{token}")
    expect(page.locator("#survey-title")).to_have_text("Culture wave 2026")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#next")).to_have_text("Start")
    expect(page.locator(".lang-button[data-lang=en]")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(CONTRAST_FAILURES) == []
    page.screenshot(path=artifacts / "respond-laptop-en-welcome.png", full_page=True)

    page.locator("#next").click()
    heading = page.locator("#step-heading")
    expect(heading).to_have_text(dims[0].names["en"])
    expect(heading).to_be_focused()
    expect(page.locator("#progress-step")).to_have_text(f"Part 1 of {len(dims)}")
    items = page.locator("fieldset.item")
    expect(items).to_have_count(len(dims[0].item_keys))
    # Two radio groups per item, each a fieldset with its legend; the don't-know option is offered.
    expect(page.locator("fieldset.frame > legend")).to_have_count(2 * len(dims[0].item_keys))
    expect(page.locator("fieldset.frame-current legend").first).to_have_text("How it is now")
    expect(page.locator("fieldset.frame-desired legend").first).to_have_text("How it should be")
    expect(page.locator(f'input[name="current:{keys[0]}"]')).to_have_count(6)
    # Reverse-keyed items look like any other: nothing in the page tells them apart.
    assert "reverse" not in page.content().lower()

    click_answers(page, plan, dims[0].item_keys)
    complete = [k for k in dims[0].item_keys if plan["current"][k] is not None and plan["desired"][k] is not None]
    expect(page.locator("#progress-count")).to_have_text(f"{len(complete)} of {len(keys)} answered")
    assert page.evaluate(CONTRAST_FAILURES) == []
    page.screenshot(path=artifacts / "respond-laptop-en-step.png", full_page=True)
    page.locator("#next").click()

    # The second part by keyboard only, from the focused heading.
    expect(heading).to_have_text(dims[1].names["en"])
    expect(heading).to_be_focused()
    keyboard_answers(page, plan, dims[1].item_keys, ["current", "desired"])
    focused_option = page.locator("label.option:has(input:focus)")
    assert focused_option.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"  # a visible focus ring
    page.screenshot(path=artifacts / "respond-laptop-en-keyboard-focus.png")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past Back, onto Next
    expect(page.locator("#next")).to_be_focused()
    page.keyboard.press("Enter")

    # The third part half done, then a reload: the draft brings everything back.
    expect(heading).to_have_text(dims[2].names["en"])
    click_answers(page, {"current": {k: plan["current"][k] for k in dims[2].item_keys[:2]}}, dims[2].item_keys)
    expect(page.locator("#save-state")).to_have_attribute("data-state", "saved")
    page.reload()
    expect(page.locator("#status")).to_have_text("Welcome back. Your saved answers have been restored.")
    # Back at the first part with an unanswered item: the second (its first item lacks "how it should be").
    expect(heading).to_have_text(dims[1].names["en"])
    expect(heading).to_be_focused()
    for frame in ("current", "desired"):
        assert checked_answers(page, frame, dims[1].item_keys) == {k: plan[frame][k] for k in dims[1].item_keys}
    page.locator("#back").click()
    expect(heading).to_have_text(dims[0].names["en"])
    for frame in ("current", "desired"):
        assert checked_answers(page, frame, dims[0].item_keys) == {k: plan[frame][k] for k in dims[0].item_keys}
    page.locator("#next").click()
    page.locator("#next").click()
    expect(heading).to_have_text(dims[2].names["en"])
    assert checked_answers(page, "current", dims[2].item_keys[:2]) == {
        k: plan["current"][k] for k in dims[2].item_keys[:2]}

    for index in range(2, len(dims)):
        expect(heading).to_have_text(dims[index].names["en"])
        click_answers(page, plan, dims[index].item_keys)
        page.locator("#next").click()

    expect(heading).to_have_text("Check and submit")
    answered = sum(1 for k in keys if plan["current"][k] is not None and plan["desired"][k] is not None)
    expect(page.locator("#review-summary")).to_contain_text(f"You answered {answered} of {len(keys)} statements")
    page.screenshot(path=artifacts / "respond-laptop-en-review.png", full_page=True)
    page.locator("#next").click()
    expect(page.locator("#message-title")).to_have_text("Thank you!")
    expect(page.locator("#message-title")).to_be_focused()
    page.screenshot(path=artifacts / "respond-laptop-en-thanks.png", full_page=True)

    [row] = exported(org, survey["id"])
    assert row["unit_path"].endswith("Wijkzaken")
    assert row["layer"] == "employee"
    assert {k: row[k] for k in keys} == {k: cell(plan["current"][k]) for k in keys}
    assert {k: row[f"{k}:desired"] for k in keys} == {k: cell(plan["desired"][k]) for k in keys}
    _clean(tab, token)

    # The link is spent: opening it again says so.
    page.goto("about:blank")
    page.goto(f"/respond#{token}")
    expect(page.locator("#message-title")).to_have_text("This link is not valid or has already been used")


def test_dutch_on_a_phone_by_keyboard_and_touch_with_a_language_switch(org: OrgContext, open_tab: Any,
                                                                       artifacts: Path) -> None:
    unit = org.unit("Team Participatie")
    survey = open_survey(org, title="Cultuurmeting 2026", ask_desired=False)
    [token] = invite(org, survey["id"], unit)
    dims = dimensions(org)
    keys = [key for d in dims for key in d.item_keys]
    plan = {"current": _plan(keys, 1)}

    tab = open_tab("nl-NL", PHONE)
    page = tab.page
    page.goto(f"/respond#{token}")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("#next")).to_have_text("Beginnen")
    page.screenshot(path=artifacts / "respond-phone-nl-welcome.png", full_page=True)
    assert page.evaluate(SMALL_TARGETS) == []
    page.locator("#next").tap()

    heading = page.locator("#step-heading")
    expect(heading).to_have_text(dims[0].names["nl"])
    expect(page.locator("#progress-step")).to_have_text(f"Deel 1 van {len(dims)}")
    expect(page.locator("fieldset.frame")).to_have_count(0)  # one radio group per item when only "now" is asked
    keyboard_answers(page, plan, dims[0].item_keys, ["current"])
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.evaluate(CONTRAST_FAILURES) == []
    page.screenshot(path=artifacts / "respond-phone-nl-step.png", full_page=True)

    # Switch to English: texts change, answers stay, focus stays on the switch, the change is announced.
    page.locator(".lang-button[data-lang=en]").tap()
    expect(heading).to_have_text(dims[0].names["en"])
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".lang-button[data-lang=en]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".lang-button[data-lang=en]")).to_be_focused()
    expect(page.locator("#status")).to_have_text("Language changed to English.")
    expect(page.locator("#next")).to_have_text("Next")
    assert checked_answers(page, "current", dims[0].item_keys) == {k: plan["current"][k] for k in dims[0].item_keys}
    page.screenshot(path=artifacts / "respond-phone-en-step.png", full_page=True)
    page.locator(".lang-button[data-lang=nl]").tap()
    expect(heading).to_have_text(dims[0].names["nl"])

    page.locator("#next").tap()
    for index in range(1, len(dims)):
        expect(heading).to_have_text(dims[index].names["nl"])
        for key in dims[index].item_keys:
            value = plan["current"][key]
            if value is not None:
                page.locator(f'label[for="current-{key}-{value}"]').tap()
        page.locator("#next").tap()

    expect(heading).to_have_text("Controleren en versturen")
    page.screenshot(path=artifacts / "respond-phone-nl-review.png", full_page=True)
    page.locator("#next").tap()
    expect(page.locator("#message-title")).to_have_text("Bedankt!")
    page.screenshot(path=artifacts / "respond-phone-nl-thanks.png", full_page=True)

    [row] = exported(org, survey["id"])
    assert {k: row[k] for k in keys} == {k: cell(plan["current"][k]) for k in keys}
    assert not any(column.endswith(":desired") for column in row)
    _clean(tab, token)


def test_a_custom_questionnaire_without_a_dont_know_option(org: OrgContext, open_tab: Any) -> None:
    questionnaire = create_questionnaire(org, key="no-dont-know", dont_know_label=None)
    survey = open_survey(org, questionnaire_id=questionnaire["id"], ask_desired=True)
    [token] = invite(org, survey["id"], org.unit("Team"))
    tab = open_tab("en-GB", PHONE)
    page = tab.page
    page.goto(f"/respond#{token}")
    page.locator("#next").click()
    expect(page.locator("#step-heading")).to_have_text("Sharing")
    expect(page.locator(".option-dont-know")).to_have_count(0)
    expect(page.locator('input[name="current:sharing_1"]')).to_have_count(5)
    expect(page.locator("fieldset.frame-desired legend").first).to_have_text("Should be")  # the questionnaire's
    expect(page.locator('label[for="current-sharing_1-1"]')).to_have_text("1Never")
    # sharing_2 is reverse-keyed, and looks exactly like sharing_1.
    shapes = page.evaluate("""() => ["sharing_1", "sharing_2"].map((key) =>
      document.getElementById(`item-${key}`).outerHTML.replaceAll(key, "KEY").replace(/<legend.*?<\\/legend>/, ""))""")
    assert shapes[0] == shapes[1]
    option(page, "current", "sharing_2", 1).click()
    option(page, "desired", "sharing_2", 5).click()
    for _ in range(2):
        page.locator("#next").click()
    page.locator("#next").click()
    expect(page.locator("#message-title")).to_have_text("Thank you!")
    [row] = exported(org, survey["id"])
    assert (row["sharing_2"], row["sharing_2:desired"], row["sharing_1"]) == ("1", "5", "")
    assert tab.csp_violations() == []
