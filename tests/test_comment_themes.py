"""A survey's theme keyword lists: the read model says whether they are the built-in defaults, so a form sent back
as read (`themes: null` while they are) keeps following the defaults instead of freezing today's into the survey;
the survey's own lists round-trip (and drive the comment-themes report: tests/test_comments.py); `themes: null`
returns to the defaults; bad lists are 422 problem details beside the keyword."""

from typing import Any

from app.comments.themes import DEFAULT_THEMES
from tests.factories import OrgContext
from tests.survey_factories import create_survey
from tests.test_comments import OWN_THEMES, settings_url


def _audited(org: OrgContext, survey_id: str) -> list[Any]:
    events = org.admin.get(f"{org.prefix}/audit-events", params={"object_id": survey_id}).json()["events"]
    return [e["details"].get("fields") for e in events if e["action"] == "survey.comment_settings_set"]


def test_a_form_sent_back_keeps_the_defaults_and_null_returns_to_them(org: OrgContext):
    survey = create_survey(org, languages=["nl", "en"], min_group_size=5)
    url = settings_url(org, survey["id"])
    read = org.admin.get(url).json()
    assert read["themes_are_defaults"] is True and read["themes"] == read["default_themes"] == DEFAULT_THEMES
    # the console's body after a change of threshold only: the lists were the defaults, so null
    saved = org.admin.put(url, json={"questions": read["questions"], "threshold": 12, "themes": None}).json()
    assert saved["themes_are_defaults"] is True and saved["threshold"] == 12 and saved["themes"] == DEFAULT_THEMES
    assert org.admin.put(url, json={"threshold": 12}).json()["themes_are_defaults"] is True  # left out: the same
    # the survey's own lists round-trip, and stay its own even when they equal the defaults
    own = org.admin.put(url, json={"threshold": 12, "themes": OWN_THEMES})
    assert own.status_code == 200, own.text
    assert own.json()["themes"] == OWN_THEMES and own.json()["themes_are_defaults"] is False
    assert org.admin.get(url).json()["themes"] == OWN_THEMES
    assert org.admin.get(url).json()["default_themes"] == DEFAULT_THEMES
    frozen = org.admin.put(url, json={"threshold": 12, "themes": DEFAULT_THEMES}).json()
    assert frozen["themes"] == DEFAULT_THEMES and frozen["themes_are_defaults"] is False
    back = org.admin.put(url, json={"threshold": 12, "themes": None}).json()
    assert back["themes_are_defaults"] is True and back["themes"] == DEFAULT_THEMES
    # audited as a change of the lists every time they went from the defaults to the survey's own or back
    assert _audited(org, survey["id"]) == [["themes"], ["themes"], ["themes"], [], ["threshold"]]  # newest first


def test_bad_lists_are_refused_beside_the_keyword(org: OrgContext):
    survey = create_survey(org, languages=["nl", "en"], min_group_size=5)
    url = settings_url(org, survey["id"])
    for themes, loc in (({"openness": {"nl": ["x" * 61]}}, ["body", "themes", "openness", "nl", 0]),
                        ({"openness": {"nl": ["open", " "]}}, ["body", "themes", "openness", "nl", 1]),
                        ({"openness": {"nl": ["w"] * 51}}, ["body", "themes", "openness", "nl"]),
                        ({"openness": ["open"]}, ["body", "themes", "openness"])):
        response = org.admin.put(url, json={"themes": themes})
        assert response.status_code == 422, themes
        assert response.headers["content-type"].startswith("application/problem+json")
        assert loc in [e["loc"] for e in response.json()["errors"]], response.json()
    assert org.admin.get(url).json()["themes_are_defaults"] is True  # nothing was changed

