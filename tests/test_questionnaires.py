"""Questionnaires: the built-in one, custom ones with their validation, versions, immutability once used, access."""

import copy
import json
import uuid
from importlib import resources
from typing import Any

import pytest

from app.db import get_sessionmaker
from app.errors import NotFound
from app.questionnaires import service
from app.questionnaires.schemas import QuestionnaireIn, definition_errors
from tests.survey_factories import builtin_questionnaire, create_questionnaire, create_survey, questionnaire_body

DIMENSIONS = ["openness", "collegiality", "transparency", "diversity", "personal_initiative"]


def _own_questionnaires(org) -> list[dict[str, Any]]:
    response = org.admin.get(f"{org.prefix}/questionnaires")
    assert response.status_code == 200, response.text
    return [q for q in response.json() if not q["builtin"]]


def _builtin_file() -> dict[str, Any]:
    source = resources.files("app.questionnaires").joinpath("builtin", "culture_gap.json")
    return dict(json.loads(source.read_text(encoding="utf-8")))


# --- the built-in questionnaire --------------------------------------------------------------------------------------

def test_builtin_questionnaire_meets_the_spec(org):
    q = builtin_questionnaire(org)
    assert (q["key"], q["version"], q["builtin"], q["organisation_id"]) == ("culture-gap", 1, True, None)
    assert sorted(q["languages"]) == ["en", "nl"]
    assert (q["scale_min"], q["scale_max"]) == (1, 5)
    assert q["scale_labels"]["nl"][0] == "Helemaal mee oneens" and q["scale_labels"]["nl"][-1] == "Helemaal mee eens"
    assert q["scale_labels"]["en"][0] == "Strongly disagree" and q["scale_labels"]["en"][-1] == "Strongly agree"
    assert q["dont_know_label"] == {"en": "Don't know / not applicable", "nl": "Weet ik niet / niet van toepassing"}
    assert q["frame_labels"] == {"en": {"current": "How it is now", "desired": "How it should be"},
                                 "nl": {"current": "Zoals het nu is", "desired": "Zoals het zou moeten zijn"}}
    assert [d["key"] for d in q["dimensions"]] == DIMENSIONS
    positions = []
    for dimension in q["dimensions"]:
        assert 4 <= len(dimension["items"]) <= 6, dimension["key"]
        assert any(item["reverse"] for item in dimension["items"]), f"{dimension['key']}: no reverse-keyed item"
        assert not all(item["reverse"] for item in dimension["items"])
        assert set(dimension["names"]) == {"en", "nl"}
        for n, item in enumerate(dimension["items"], start=1):
            assert item["key"] == f"{dimension['key']}_{n}"
            assert set(item["texts"]) == {"en", "nl"}
            assert all(len(text) > 20 for text in item["texts"].values())
            assert item["texts"]["en"] != item["texts"]["nl"]
            positions.append(item["position"])
    assert positions == list(range(len(positions)))  # 0-based, dimension by dimension
    for labels in q["scale_labels"].values():
        assert len(labels) == 5 and len(set(labels)) == 5


def test_builtin_file_is_what_the_migration_stored_and_passes_validation(org):
    data = _builtin_file()
    assert definition_errors(QuestionnaireIn.model_validate(data)) == []
    q = builtin_questionnaire(org)
    for name in ("title", "languages", "scale_min", "scale_max", "scale_labels", "dont_know_label", "frame_labels"):
        assert q[name] == data[name], name
    stored = [{"key": d["key"], "names": d["names"],
               "items": [{"key": i["key"], "reverse": i["reverse"], "texts": i["texts"]} for i in d["items"]]}
              for d in q["dimensions"]]
    assert stored == data["dimensions"]


def test_builtin_is_shared_and_read_only(org, other_org, platform):
    q = builtin_questionnaire(org)
    assert builtin_questionnaire(other_org)["id"] == q["id"]
    analyst = org.client_for("analyst")
    assert analyst.get(f"{org.prefix}/questionnaires/{q['id']}").status_code == 200
    body = questionnaire_body(key="culture-gap")
    for client in (org.admin, platform):
        put = client.put(f"{org.prefix}/questionnaires/{q['id']}", json=body)
        assert put.status_code == 403, put.text
        assert put.headers["content-type"] == "application/problem+json"
        assert client.delete(f"{org.prefix}/questionnaires/{q['id']}").status_code == 403
    reserved = org.admin.post(f"{org.prefix}/questionnaires", json=body)
    assert reserved.status_code == 422
    assert reserved.json()["errors"][0]["loc"] == ["body", "key"]
    assert builtin_questionnaire(org) == q


# --- custom questionnaires -------------------------------------------------------------------------------------------

def test_create_read_list_custom(org):
    created = create_questionnaire(org, key="learning")
    assert (created["key"], created["version"], created["builtin"], created["in_use"]) == ("learning", 1, False, False)
    assert created["organisation_id"] == org.id
    assert (created["dimension_count"], created["item_count"]) == (2, 5)
    items = [i for d in created["dimensions"] for i in d["items"]]
    assert [i["position"] for i in items] == [0, 1, 2, 3, 4]
    assert [i["reverse"] for i in items] == [False, True, False, False, True]
    fetched = org.admin.get(f"{org.prefix}/questionnaires/{created['id']}")
    assert fetched.status_code == 200 and fetched.json() == created
    listed = _own_questionnaires(org)
    assert [(q["id"], q["item_count"]) for q in listed] == [(created["id"], 5)]
    everything = org.admin.get(f"{org.prefix}/questionnaires").json()
    assert everything[0]["builtin"] is True  # built-ins first


def test_same_key_makes_next_version(org):
    first = create_questionnaire(org, key="climate")
    second = create_questionnaire(org, key="climate")
    other = create_questionnaire(org, key="climate-b")
    assert (first["version"], second["version"], other["version"]) == (1, 2, 1)
    assert [(q["key"], q["version"]) for q in _own_questionnaires(org)] == [("climate", 1), ("climate", 2),
                                                                          ("climate-b", 1)]


@pytest.mark.parametrize(("low", "high"), [(0, 4), (1, 5), (1, 6), (1, 7), (0, 10), (-3, 3), (-100, -99), (99, 100)])
def test_any_integer_scale(org, low, high):
    points = high - low + 1
    labels = {lang: [f"{lang} {n}" for n in range(points)] for lang in ("en", "nl")}
    created = create_questionnaire(org, scale_min=low, scale_max=high, scale_labels=labels, dont_know_label=None)
    assert (created["scale_min"], created["scale_max"], created["dont_know_label"]) == (low, high, None)
    assert created["scale_labels"] == labels


def test_single_language_questionnaire(org):
    body = _only_language(questionnaire_body(), "en")
    created = create_questionnaire(org, **body)
    assert created["languages"] == ["en"]


def _only_language(body: dict[str, Any], lang: str) -> dict[str, Any]:
    def keep(mapping: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in mapping.items() if k == lang}

    body = copy.deepcopy(body)
    body["languages"] = [lang]
    for name in ("title", "scale_labels", "dont_know_label", "frame_labels"):
        body[name] = keep(body[name])
    for d in body["dimensions"]:
        d["names"] = keep(d["names"])
        for i in d["items"]:
            i["texts"] = keep(i["texts"])
    return body


def _mutate(path: str, value: Any) -> dict[str, Any]:
    """The valid body with one value replaced (or removed, for value ...) at a dotted path."""
    body = questionnaire_body()
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target: Any = body
    for p in parents:
        target = target[p]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return body


BAD_BODIES = {
    "missing key": _mutate("key", ...),
    "key with capitals": _mutate("key", "Custom"),
    "key not a string": _mutate("key", 7),
    "missing title": _mutate("title", ...),
    "title not a dict": _mutate("title", "Custom"),
    "title missing nl": _mutate("title", {"en": "Custom"}),
    "title in undeclared language": _mutate("title", {"en": "A", "nl": "B", "de": "C"}),
    "empty title": _mutate("title.en", "   "),
    "control characters": _mutate("title.en", "bad\x00title"),
    "no languages": _mutate("languages", []),
    "bad language code": _mutate("languages", ["english"]),
    "repeated language": _mutate("languages", ["en", "nl", "en"]),
    "scale_min a string": _mutate("scale_min", "1"),
    "scale_max a float": _mutate("scale_max", 5.0),
    "scale_max a bool": _mutate("scale_max", True),
    "one-point scale": _mutate("scale_max", 1),
    "reversed scale": _mutate("scale_min", 6),
    "scale below -100": _mutate("scale_min", -101),
    "scale above 100": _mutate("scale_max", 101),
    "too few labels": _mutate("scale_labels.en", ["a", "b", "c", "d"]),
    "too many labels": _mutate("scale_labels.nl", ["a", "b", "c", "d", "e", "f"]),
    "labels missing a language": _mutate("scale_labels", {"en": ["a", "b", "c", "d", "e"]}),
    "label not a string": _mutate("scale_labels.en", ["a", "b", 3, "d", "e"]),
    "dont_know missing nl": _mutate("dont_know_label", {"en": "Don't know"}),
    "frame labels missing desired": _mutate("frame_labels.nl", {"current": "Nu"}),
    "frame labels missing nl": _mutate("frame_labels", {"en": {"current": "Now", "desired": "Should"}}),
    "no dimensions": _mutate("dimensions", []),
    "dimension without items": _mutate("dimensions.1.items", []),
    "duplicate dimension key": _mutate("dimensions.1.key", "sharing"),
    "bad dimension key": _mutate("dimensions.0.key", "1st"),
    "dimension key with hyphen": _mutate("dimensions.0.key", "sha-ring"),
    "dimension name missing nl": _mutate("dimensions.0.names", {"en": "Sharing"}),
    "duplicate item key across dimensions": _mutate("dimensions.1.items.0.key", "sharing_1"),
    "bad item key": _mutate("dimensions.0.items.0.key", "Sharing 1"),
    "item text missing nl": _mutate("dimensions.0.items.0.texts", {"en": "We share."}),
    "item text too long": _mutate("dimensions.0.items.0.texts.en", "x" * 1001),
    "reverse a string": _mutate("dimensions.0.items.0.reverse", "yes"),
    "reverse an int": _mutate("dimensions.0.items.0.reverse", 1),
    "item not an object": _mutate("dimensions.0.items.0", "sharing_1"),
    "extra top-level field": {**questionnaire_body(), "owner": "me"},
    "extra item field": _mutate("dimensions.0.items.0.weight", 2),
    "version given": {**questionnaire_body(), "version": 3},
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_bad_definitions_are_refused_and_nothing_is_stored(org, case):
    response = org.admin.post(f"{org.prefix}/questionnaires", json=BAD_BODIES[case])
    assert response.status_code == 422, (case, response.text)
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["errors"] and all(e["loc"][0] == "body" for e in problem["errors"])
    assert _own_questionnaires(org) == []


@pytest.mark.parametrize("body", [None, [], "text", 42], ids=["null", "list", "string", "number"])
def test_non_object_bodies(org, body):
    response = org.admin.post(f"{org.prefix}/questionnaires", json=body)
    assert response.status_code == 422, response.text
    garbage = org.admin.post(f"{org.prefix}/questionnaires", content=b"{not json",
                             headers={"content-type": "application/json"})
    assert garbage.status_code == 422
    assert _own_questionnaires(org) == []


def test_every_bad_field_is_listed(org):
    body = questionnaire_body()
    body["scale_labels"]["en"] = ["a", "b"]
    body["dimensions"][0]["items"][1]["texts"] = {"en": "Only English"}
    body["dimensions"][1]["items"][1]["key"] = "sharing_1"
    body["dimensions"][1]["names"] = {"nl": "Alleen Nederlands", "fr": "Seulement"}
    response = org.admin.post(f"{org.prefix}/questionnaires", json=body)
    assert response.status_code == 422
    locs = {tuple(e["loc"]) for e in response.json()["errors"]}
    assert locs == {
        ("body", "scale_labels", "en"),
        ("body", "dimensions", 0, "items", 1, "texts", "nl"),
        ("body", "dimensions", 1, "items", 1, "key"),
        ("body", "dimensions", 1, "names", "en"),
        ("body", "dimensions", 1, "names", "fr"),
    }


def _items(n: int, prefix: str = "i") -> list[dict[str, Any]]:
    return [{"key": f"{prefix}_{k}", "texts": {"en": f"Item {k}", "nl": f"Vraag {k}"}} for k in range(n)]


def test_size_limits(org):
    names = {"en": "D", "nl": "D"}
    too_many_items = questionnaire_body(dimensions=[
        {"key": f"d{k}", "names": names, "items": _items(101, f"d{k}")} for k in range(3)])
    response = org.admin.post(f"{org.prefix}/questionnaires", json=too_many_items)
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "too_many_items"
    too_many_dimensions = questionnaire_body(dimensions=[
        {"key": f"d{k}", "names": names, "items": _items(1, f"d{k}")} for k in range(51)])
    assert org.admin.post(f"{org.prefix}/questionnaires", json=too_many_dimensions).status_code == 422
    too_many_languages = questionnaire_body(languages=[f"{a}{b}" for a in "abc" for b in "abcd"])
    assert org.admin.post(f"{org.prefix}/questionnaires", json=too_many_languages).status_code == 422
    huge = questionnaire_body()
    huge["dimensions"][0]["items"][0]["texts"]["en"] = "x" * 3_000_000
    assert org.admin.post(f"{org.prefix}/questionnaires", json=huge).status_code == 413
    assert _own_questionnaires(org) == []
    largest = questionnaire_body(dimensions=[
        {"key": f"d{k}", "names": names, "items": _items(6, f"d{k}")} for k in range(50)])
    created = create_questionnaire(org, **largest)
    assert (created["dimension_count"], created["item_count"]) == (50, 300)


# --- changes, immutability, versions ---------------------------------------------------------------------------------

def test_put_rewrites_an_unused_version(org):
    created = create_questionnaire(org, key="wording")
    body = questionnaire_body(key="wording", scale_min=0, scale_max=2,
                              scale_labels={"en": ["No", "Partly", "Yes"], "nl": ["Nee", "Deels", "Ja"]})
    body["dimensions"] = body["dimensions"][:1]
    response = org.admin.put(f"{org.prefix}/questionnaires/{created['id']}", json=body)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["id"], updated["version"], updated["scale_max"], updated["item_count"]) == (
        created["id"], 1, 2, 3)
    assert org.admin.get(f"{org.prefix}/questionnaires/{created['id']}").json() == updated
    rekeyed = org.admin.put(f"{org.prefix}/questionnaires/{created['id']}", json=questionnaire_body(key="other"))
    assert rekeyed.status_code == 422 and rekeyed.json()["errors"][0]["loc"] == ["body", "key"]
    bad = org.admin.put(f"{org.prefix}/questionnaires/{created['id']}", json=_mutate("scale_max", 1))
    assert bad.status_code == 422
    assert org.admin.get(f"{org.prefix}/questionnaires/{created['id']}").json() == updated


def test_used_version_is_immutable_and_a_new_version_takes_changes(org):
    created = create_questionnaire(org, key="wave")
    url = f"{org.prefix}/questionnaires/{created['id']}"
    survey = create_survey(org, questionnaire_id=created["id"])
    used = org.admin.get(url).json()
    assert used["in_use"] is True
    changed = questionnaire_body(key="wave", title={"en": "Changed", "nl": "Gewijzigd"})
    put = org.admin.put(url, json=changed)
    assert put.status_code == 409, put.text
    assert "new version" in put.json()["detail"]
    assert org.admin.delete(url).status_code == 409
    assert org.admin.get(url).json() == used
    next_version = org.admin.post(f"{org.prefix}/questionnaires", json=changed)
    assert next_version.status_code == 201
    assert (next_version.json()["version"], next_version.json()["in_use"]) == (2, False)
    listed = {q["id"]: q["in_use"] for q in _own_questionnaires(org)}
    assert listed == {created["id"]: True, next_version.json()["id"]: False}
    # once no survey uses it any more, it may change again
    assert org.admin.delete(f"{org.prefix}/surveys/{survey['id']}").status_code == 204
    assert org.admin.put(url, json=changed).status_code == 200


def test_builtin_in_use_flag_counts_only_own_surveys(org, other_org):
    create_survey(org)
    assert builtin_questionnaire(org)["in_use"] is True
    assert builtin_questionnaire(other_org)["in_use"] is False


def test_delete_unused(org):
    created = create_questionnaire(org)
    url = f"{org.prefix}/questionnaires/{created['id']}"
    assert org.admin.delete(url).status_code == 204
    assert org.admin.get(url).status_code == 404
    assert org.admin.delete(url).status_code == 404
    assert _own_questionnaires(org) == []


# --- access ----------------------------------------------------------------------------------------------------------

def test_analysts_read_but_do_not_write(org):
    created = create_questionnaire(org)
    unit = org.unit("Directie")
    url = f"{org.prefix}/questionnaires/{created['id']}"
    for analyst in (org.client_for("analyst"), org.client_for("analyst", unit)):
        assert analyst.get(f"{org.prefix}/questionnaires").status_code == 200
        assert analyst.get(url).json() == created
        assert analyst.post(f"{org.prefix}/questionnaires", json=questionnaire_body()).status_code == 403
        assert analyst.put(url, json=questionnaire_body()).status_code == 403
        assert analyst.delete(url).status_code == 403
    assert [q["id"] for q in _own_questionnaires(org)] == [created["id"]]


def test_another_organisation_sees_nothing(org, other_org, http):
    created = create_questionnaire(org)
    theirs = f"{other_org.prefix}/questionnaires/{created['id']}"
    mine = f"{org.prefix}/questionnaires/{created['id']}"
    for url in (theirs, mine):
        assert other_org.admin.get(url).status_code == 404
        assert other_org.admin.put(url, json=questionnaire_body()).status_code == 404
        assert other_org.admin.delete(url).status_code == 404
    assert other_org.admin.get(f"{org.prefix}/questionnaires").status_code == 404
    assert other_org.admin.post(f"{org.prefix}/questionnaires", json=questionnaire_body()).status_code == 404
    assert created["id"] not in {q["id"] for q in other_org.admin.get(f"{other_org.prefix}/questionnaires").json()}
    assert org.admin.get(f"{org.prefix}/questionnaires/{uuid.uuid4()}").status_code == 404
    assert org.admin.get(f"{org.prefix}/questionnaires/not-a-uuid").status_code == 422
    assert http.get(f"{org.prefix}/questionnaires").status_code == 401
    assert org.admin.get(mine).json() == created


# --- the definition other domains use --------------------------------------------------------------------------------

def test_load_definition(org):
    created = create_questionnaire(org, key="defs")
    qid = uuid.UUID(created["id"])
    expected_builtin_id = builtin_questionnaire(org, version=None)["id"]
    # (SQLite: a test's session holds the write lock while open, so no API calls inside these blocks)
    with get_sessionmaker()() as session:
        builtin_id = service.builtin_questionnaire_id(session)
        assert str(builtin_id) == expected_builtin_id
        definition = service.load_definition(session, qid)
        assert service.load_definition(session, qid) is definition  # cached
        assert [i.key for i in definition.items] == ["sharing_1", "sharing_2", "sharing_3", "trying_1", "trying_2"]
        assert [i.position for i in definition.items] == [0, 1, 2, 3, 4]
        assert definition.items[1].reverse and definition.items[1].dimension_key == "sharing"
        assert [d.item_keys for d in definition.dimensions] == [("sharing_1", "sharing_2", "sharing_3"),
                                                                ("trying_1", "trying_2")]
        assert definition.allows_dont_know and (definition.scale_min, definition.scale_max) == (1, 5)
        nl = definition.localised("nl")
        assert nl["language"] == "nl" and nl["title"] == "Eigen vragenlijst"
        assert nl["scale"] == {"min": 1, "max": 5, "labels": ["Nooit", "Zelden", "Soms", "Vaak", "Altijd"],
                               "dont_know": "Weet ik niet"}
        assert nl["frames"] == {"current": "Nu", "desired": "Gewenst"}
        assert nl["dimensions"][1] == {"key": "trying", "name": "Uitproberen", "items": [
            {"key": "trying_1", "text": "Ik mag nieuwe dingen proberen."},
            {"key": "trying_2", "text": "Fouten worden bestraft."}]}
        assert "reverse" not in json.dumps(nl)
        assert definition.localised("de")["language"] == "en"  # falls back to the first language
        builtin = service.load_definition(session, builtin_id)
        assert len(builtin.items) == 30 and builtin.languages == ("en", "nl")
        assert builtin.outcome is not None and builtin.outcome.key == "knowledge_sharing"
        assert [d.key for d in builtin.culture_dimensions] == DIMENSIONS

    # an edit of the (unused) questionnaire is seen at once, not served stale from the cache
    body = questionnaire_body(key="defs")
    body["dimensions"][0]["items"][0]["key"] = "sharing_0"
    assert org.admin.put(f"{org.prefix}/questionnaires/{created['id']}", json=body).status_code == 200
    with get_sessionmaker()() as session:
        assert service.load_definition(session, qid).items[0].key == "sharing_0"
    assert org.admin.delete(f"{org.prefix}/questionnaires/{created['id']}").status_code == 204
    with get_sessionmaker()() as session, pytest.raises(NotFound):
        service.load_definition(session, qid)
