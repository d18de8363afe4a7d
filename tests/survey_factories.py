"""Builders for questionnaires and survey waves, going through the real API."""

from typing import Any

from tests.factories import OrgContext

BUILTIN_KEY = "culture-gap"


def builtin_questionnaire(org: OrgContext, version: int | None = 1) -> dict[str, Any]:
    """The built-in culture-gap questionnaire as the organisation sees it (full definition): version 1 (the five
    dimensions) unless asked for another, `None` for the newest (version 2 adds the outcome scale)."""
    response = org.admin.get(f"{org.prefix}/questionnaires")
    assert response.status_code == 200, response.text
    builtins = [q for q in response.json() if q["organisation_id"] is None and q["key"] == BUILTIN_KEY]
    assert builtins, "the built-in questionnaire is missing"
    latest = max(builtins, key=lambda q: q["version"]) if version is None else next(
        q for q in builtins if q["version"] == version)
    full = org.admin.get(f"{org.prefix}/questionnaires/{latest['id']}")
    assert full.status_code == 200, full.text
    return dict(full.json())


def questionnaire_body(key: str = "custom", **overrides: Any) -> dict[str, Any]:
    """A valid custom questionnaire body: two dimensions, five items, a 1..5 scale in en and nl."""
    labels = {"en": ["Never", "Rarely", "Sometimes", "Often", "Always"],
              "nl": ["Nooit", "Zelden", "Soms", "Vaak", "Altijd"]}
    body: dict[str, Any] = {
        "key": key,
        "title": {"en": "Custom questionnaire", "nl": "Eigen vragenlijst"},
        "languages": ["en", "nl"],
        "scale_min": 1,
        "scale_max": 5,
        "scale_labels": labels,
        "dont_know_label": {"en": "Don't know", "nl": "Weet ik niet"},
        "frame_labels": {"en": {"current": "Now", "desired": "Should be"},
                         "nl": {"current": "Nu", "desired": "Gewenst"}},
        "dimensions": [
            {"key": "sharing", "names": {"en": "Sharing", "nl": "Delen"}, "items": [
                {"key": "sharing_1", "texts": {"en": "We share what we learn.", "nl": "We delen wat we leren."}},
                {"key": "sharing_2", "reverse": True,
                 "texts": {"en": "Knowledge stays with a few people.", "nl": "Kennis blijft bij een paar mensen."}},
                {"key": "sharing_3", "texts": {"en": "Questions are welcome.", "nl": "Vragen zijn welkom."}},
            ]},
            {"key": "trying", "names": {"en": "Trying", "nl": "Uitproberen"}, "items": [
                {"key": "trying_1", "texts": {"en": "I may try new things.", "nl": "Ik mag nieuwe dingen proberen."}},
                {"key": "trying_2", "reverse": True,
                 "texts": {"en": "Mistakes are punished.", "nl": "Fouten worden bestraft."}},
            ]},
        ],
    }
    body.update(overrides)
    return body


def create_questionnaire(org: OrgContext, **overrides: Any) -> dict[str, Any]:
    """A custom questionnaire of the organisation, created by its admin."""
    response = org.admin.post(f"{org.prefix}/questionnaires", json=questionnaire_body(**overrides))
    assert response.status_code == 201, response.text
    return dict(response.json())


def create_survey(org: OrgContext, **overrides: Any) -> dict[str, Any]:
    """A draft survey wave of the organisation, on the built-in questionnaire unless `questionnaire_id` is given."""
    body: dict[str, Any] = {"title": "Culture wave"}
    if "questionnaire_id" not in overrides:
        body["questionnaire_id"] = builtin_questionnaire(org)["id"]
    body.update(overrides)
    response = org.admin.post(f"{org.prefix}/surveys", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def open_survey(org: OrgContext, **overrides: Any) -> dict[str, Any]:
    """A survey wave created and opened (accepting responses now, unless `opens_at`/`closes_at` say otherwise)."""
    survey = create_survey(org, **overrides)
    response = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open")
    assert response.status_code == 200, response.text
    return dict(response.json())
