"""The open question in the respondent's form, in a real Chromium: on the review step, optional, kept in the draft
(masked: the draft is storage too), restored after a reload, submitted with the answers and stored masked, with no
time and no token. Dutch on a phone, English on a laptop. Screenshots: tests/artifacts/respond-comments-*.png."""

import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.comments.models import Comment
from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.respond_helpers import dimensions, invite
from tests.factories import OrgContext
from tests.respond_factories import db_scalars
from tests.survey_factories import create_survey

pytestmark = pytest.mark.browser

QUESTION = {"key": "share_knowledge", "texts": {
    "en": "What would help most to share knowledge in your team?",
    "nl": "Wat zou het meest helpen om kennis te delen in uw team?"}}
REVIEW = {"en": "Check and submit", "nl": "Controleren en versturen"}


def _to_review(page: Any, lang: str) -> None:
    heading = page.locator("#step-heading")
    for _ in range(10):
        if heading.text_content() == REVIEW[lang]:
            return
        page.locator("#next").click()
        expect(heading).to_be_focused()
    expect(heading).to_have_text(REVIEW[lang])


@pytest.mark.parametrize(("lang", "viewport"), [("en", LAPTOP), ("nl", PHONE)])
def test_an_open_question_is_answered_drafted_and_stored_masked(org: OrgContext, open_tab: Any, artifacts: Path,
                                                                lang: str, viewport: dict[str, int]) -> None:
    survey = create_survey(org, languages=["en", "nl"], min_group_size=3)
    settings = org.admin.put(f"{org.prefix}/surveys/{survey['id']}/comment-settings", json={"questions": [QUESTION]})
    assert settings.status_code == 200, settings.text
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    [token] = invite(org, survey["id"], org.unit("Team"))
    first = dimensions(org)[0].item_keys[0]

    tab = open_tab("en-GB" if lang == "en" else "nl-NL", viewport)
    page = tab.page
    page.goto(f"/respond#{token}")
    page.locator("#next").click()
    page.locator(f'input[name="current:{first}"][value="4"]').check(force=True)
    _to_review(page, lang)
    box = page.get_by_label(QUESTION["texts"][lang])
    expect(box).to_be_visible()
    expect(box).to_have_value("")
    box.fill("Een vaste intervisie-ochtend. Mail me: piet.puk@zuidhaven.nl of bel 06-12345678")
    expect(page.locator("#save-state")).to_have_attribute("data-state", "saved")
    page.screenshot(path=artifacts / f"respond-comments-{lang}.png", full_page=True)

    page.reload()
    _to_review(page, lang)
    masked = "Een vaste intervisie-ochtend. Mail me: [e-mail] of bel [phone]"
    expect(page.get_by_label(QUESTION["texts"][lang])).to_have_value(masked)  # the draft keeps only the masked text
    page.locator("#next").click()  # submit
    expect(page.locator("#view-message, #message-title").first).to_be_visible()
    stored = db_scalars(select(Comment).where(Comment.survey_id == uuid.UUID(survey["id"])))
    assert [(c.question_key, c.text, c.published) for c in stored] == [("share_knowledge", masked, False)]
    assert tab.csp_violations() == [] and tab.console_errors == []
