"""Version 2 of the built-in questionnaire (the outcome scale "knowledge sharing and learning") and the outcome
flag of custom questionnaires."""

import json
from importlib import resources
from typing import Any

from app.questionnaires.schemas import QuestionnaireIn, definition_errors
from tests.survey_factories import builtin_questionnaire, create_survey, questionnaire_body

CULTURE = ["openness", "collegiality", "transparency", "diversity", "personal_initiative"]


def _file(name: str) -> dict[str, Any]:
    source = resources.files("app.questionnaires").joinpath("builtin", name)
    return dict(json.loads(source.read_text(encoding="utf-8")))


def test_version_2_keeps_version_1_and_adds_the_outcome_scale(org):
    v1, v2 = builtin_questionnaire(org, version=1), builtin_questionnaire(org, version=None)
    assert (v2["key"], v2["version"], v2["builtin"]) == ("culture-gap", 2, True)
    assert [d["key"] for d in v2["dimensions"]] == [*CULTURE, "knowledge_sharing"]
    assert [d["outcome"] for d in v2["dimensions"]] == [False] * 5 + [True]
    assert not any(d["outcome"] for d in v1["dimensions"])
    for old, new in zip(v1["dimensions"], v2["dimensions"], strict=False):  # every v1 item: same key, text, place
        assert [(i["key"], i["position"], i["reverse"], i["texts"]) for i in old["items"]] == \
            [(i["key"], i["position"], i["reverse"], i["texts"]) for i in new["items"]]
    outcome = v2["dimensions"][-1]
    assert outcome["names"] == {"en": "Knowledge sharing and learning", "nl": "Kennisdeling en leren"}
    assert 4 <= len(outcome["items"]) <= 6
    assert sum(i["reverse"] for i in outcome["items"]) == 1
    for n, item in enumerate(outcome["items"], start=1):
        assert item["key"] == f"knowledge_sharing_{n}" and item["position"] == 25 + n - 1
        assert set(item["texts"]) == {"en", "nl"} and all(len(t) > 20 for t in item["texts"].values())
    text = " ".join(i["texts"]["en"].lower() for i in outcome["items"])
    for idea in ("share what i know", "ask a colleague", "training", "goes wrong"):
        assert idea in text, idea


def test_version_2_file_is_what_the_migration_stored_and_passes_validation(org):
    data = _file("culture_gap_v2.json")
    assert data.pop("version") == 2
    assert definition_errors(QuestionnaireIn.model_validate(data)) == []
    q = builtin_questionnaire(org, version=2)
    stored = [{"key": d["key"], "names": d["names"], "outcome": d["outcome"],
               "items": [{"key": i["key"], "reverse": i["reverse"], "texts": i["texts"]} for i in d["items"]]}
              for d in q["dimensions"]]
    assert stored == [{**d, "outcome": d.get("outcome", False)} for d in data["dimensions"]]
    v1 = _file("culture_gap.json")
    assert data["dimensions"][:5] == v1["dimensions"]


def test_surveys_of_either_version(org):
    for version in (1, 2):
        q = builtin_questionnaire(org, version=version)
        survey = create_survey(org, questionnaire_id=q["id"])
        assert survey["questionnaire_id"] == q["id"]


def _outcome_body(**flags: bool) -> dict[str, Any]:
    body = questionnaire_body(key="with-outcome")
    for d in body["dimensions"]:
        if d["key"] in flags:
            d["outcome"] = flags[d["key"]]
    return body


def test_custom_questionnaire_may_mark_one_outcome(org):
    created = org.admin.post(f"{org.prefix}/questionnaires", json=_outcome_body(sharing=True))
    assert created.status_code == 201, created.text
    assert [(d["key"], d["outcome"]) for d in created.json()["dimensions"]] == [("sharing", True), ("trying", False)]
    plain = org.admin.post(f"{org.prefix}/questionnaires", json=questionnaire_body(key="plain"))
    assert [d["outcome"] for d in plain.json()["dimensions"]] == [False, False]


def test_at_most_one_outcome_and_never_alone(org):
    two = org.admin.post(f"{org.prefix}/questionnaires", json=_outcome_body(sharing=True, trying=True))
    assert two.status_code == 422
    errors = two.json()["errors"]
    assert [(e["loc"], e["type"]) for e in errors] == [(["body", "dimensions", 1, "outcome"], "one_outcome")]
    body = _outcome_body(sharing=True)
    body["dimensions"] = body["dimensions"][:1]
    alone = org.admin.post(f"{org.prefix}/questionnaires", json=body)
    assert alone.status_code == 422
    assert [e["type"] for e in alone.json()["errors"]] == ["outcome_alone"]
    wrong = _outcome_body()
    wrong["dimensions"][0]["outcome"] = "yes"
    assert org.admin.post(f"{org.prefix}/questionnaires", json=wrong).status_code == 422
