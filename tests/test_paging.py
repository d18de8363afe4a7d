"""Cursor paging on the lists: `limit`, `cursor` and a `Link: rel="next"` header; bad ones are problem details."""

from typing import Any

import httpx
import pytest

from tests.factories import OrgContext
from tests.people_factories import create_person
from tests.survey_factories import create_survey, open_survey
from tests.test_self_assessments import create as create_self_assessment


def _walk(client: httpx.Client, url: str, limit: int) -> list[Any]:
    """Every item, following the next links."""
    items: list[Any] = []
    response = client.get(url, params={"limit": limit})
    while True:
        assert response.status_code == 200, response.text
        assert len(response.json()) <= limit
        items += response.json()
        if "next" not in response.links:
            return items
        assert response.json(), "a next link after an empty page"
        response = client.get(response.links["next"]["url"])


def _lists(org: OrgContext) -> dict[str, str]:
    return {name: f"{org.prefix}/{name}" for name in ("units", "surveys", "keys", "people", "layers",
                                                      "questionnaires")}


def test_every_list_pages_to_the_whole_list_in_its_order(org: OrgContext, platform: httpx.Client) -> None:
    root = org.unit("Zuid")
    for name in ("Team b", "team A", "Team c"):
        org.unit(name, parent=root)
    org.unit("Noord")
    for _ in range(3):
        create_survey(org)
        org.admin.post(f"{org.prefix}/keys", json={"name": "k", "role": "analyst"})
        create_person(org)
    for url in _lists(org).values():
        whole = org.admin.get(url).json()
        assert len(whole) >= 2 and "link" not in org.admin.get(url).headers  # (two built-in questionnaires)
        for limit in (1, 2, 3):
            assert _walk(org.admin, url, limit) == whole, (url, limit)
    units = [u["name"] for u in org.admin.get(f"{org.prefix}/units").json()]
    assert units == ["Noord", "Zuid", "team A", "Team b", "Team c"]  # depth first, siblings by name
    organisations = platform.get("/api/v1/organisations").json()
    assert _walk(platform, "/api/v1/organisations", 7) == organisations
    layers = [layer["rank"] for layer in _walk(org.admin, f"{org.prefix}/layers", 2)]
    assert layers == sorted(layers) and len(layers) == 5


def test_self_assessments_page_oldest_first(org: OrgContext) -> None:
    survey = open_survey(org)
    team = org.unit("Team")
    made = [create_self_assessment(org, survey["id"], team, "team_leader", leader_name=f"Leader {i}")["id"]
            for i in range(3)]
    url = f"{org.prefix}/surveys/{survey['id']}/self-assessments"
    for limit in (1, 2):
        assert [row["id"] for row in _walk(org.admin, url, limit)] == made


def test_a_page_neither_repeats_nor_skips_when_items_come_and_go(org: OrgContext) -> None:
    for email in ("b@x.test", "d@x.test", "f@x.test"):
        create_person(org, email=email)
    first = org.admin.get(f"{org.prefix}/people", params={"limit": 2})
    assert [p["email"] for p in first.json()][-1] == "d@x.test"
    create_person(org, email="a@x.test")  # before the cursor: not on the next page
    create_person(org, email="e@x.test")  # after it: on the next page
    rest = org.admin.get(first.links["next"]["url"])
    assert [p["email"] for p in rest.json()] == ["e@x.test", "f@x.test"] and "next" not in rest.links


@pytest.mark.parametrize("params", [
    {"limit": "0"}, {"limit": "1001"}, {"limit": "ten"}, {"limit": "-1"},
    {"cursor": "not a cursor!"}, {"cursor": "bm90IGpzb24"}, {"cursor": "eyJhIjoxfQ"},  # "not json", {"a":1}
    {"cursor": "x" * 5000},
])
def test_a_bad_limit_or_cursor_is_a_422_problem(org: OrgContext, params: dict[str, str]) -> None:
    for url in _lists(org).values():
        response = org.admin.get(url, params=params)
        assert response.status_code == 422, (url, params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["loc"][:2] == ["query", next(iter(params))]


def test_a_cursor_of_another_list_is_refused(org: OrgContext) -> None:
    org.unit("A")
    org.unit("B")
    create_survey(org)
    create_survey(org)
    units = org.admin.get(f"{org.prefix}/units", params={"limit": 1})
    cursor = units.links["next"]["url"].split("cursor=")[1]
    response = org.admin.get(f"{org.prefix}/surveys", params={"limit": 1, "cursor": cursor})
    assert response.status_code == 422 and "another list" in response.json()["detail"]
