"""The comments' roll-up at a comment threshold above the minimum group size: a unit's own respondents that stay
put at k but are too few at the threshold count further up, the comments of a scope follow that, and the answer
says so (`counted_elsewhere`), so a reader (the attacker in tests/attack) can tell whose comments a group holds."""

from typing import Any

import httpx

from tests.factories import OrgContext
from tests.respond_factories import RESPOND, invite, token_headers
from tests.survey_factories import create_survey

QUESTION = {"key": "share_knowledge", "texts": {"en": "What would help?", "nl": "Wat zou helpen?"}}


def _report(org: OrgContext, survey: str, name: str, unit: str) -> dict[str, Any]:
    response = org.admin.get(f"{org.prefix}/surveys/{survey}/reports/{name}", params={"unit_id": unit})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_own_respondents_too_few_at_the_threshold_count_further_up(org: OrgContext, http: httpx.Client):
    """Org: 8 directors of its own; Org/Dept: 4 department heads of its own (k = 3: they stay; threshold 10: they
    count with Org's own group), Big 12 and Mid 11 employees."""
    survey = create_survey(org, languages=["en"], min_group_size=3)
    settings = org.admin.put(f"{org.prefix}/surveys/{survey['id']}/comment-settings",
                             json={"questions": [QUESTION], "threshold": 10})
    assert settings.status_code == 200, settings.text
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    units = org.tree({"Org": {"Dept": {"Big": {}, "Mid": {}}}})
    for name, layer, n in (("Org", "director", 8), ("Dept", "department_head", 4), ("Big", "employee", 12),
                           ("Mid", "employee", 11)):
        for i, token in enumerate(invite(org, survey["id"], units[name], n, layer=layer)):
            body = {"language": "en", "current": {"openness_1": 4}, "desired": {},
                    "comments": {"share_knowledge": f"{name} {i}: time to learn"}}
            assert http.post(f"{RESPOND}/submit", headers=token_headers(token), json=body).status_code == 201
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200

    profile = _report(org, survey["id"], "profile", units["Dept"])
    assert profile["group"]["own_counted_at"] is None  # at k the heads count at their department
    moved = [{"unit_id": units["Dept"], "unit_path": ["Org", "Dept"], "counted_at": ["Org"]}]
    dept = _report(org, survey["id"], "comments", units["Dept"])
    assert dept["shown"] and dept["counted_elsewhere"] == moved
    assert sorted({c["text"].split(" ")[0] for c in dept["comments"]}) == ["Big", "Mid"]  # not the heads'
    assert len(dept["comments"]) == 23
    assert _report(org, survey["id"], "comment-themes", units["Dept"])["counted_elsewhere"] == moved
    top = _report(org, survey["id"], "comments", units["Org"])
    assert top["counted_elsewhere"] == moved and len(top["comments"]) == 35
    big = _report(org, survey["id"], "comments", units["Big"])
    assert big["shown"] and big["counted_elsewhere"] == [] and len(big["comments"]) == 12
