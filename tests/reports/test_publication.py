"""Published figures: a wave's reports show the responses published when it stopped taking responses, so a report
read before and after one more response shows the same figures; response rates count every response at once. After
a reopening, new responses join the figures at the next close only when every unit x layer atom got none or at least
the minimum group size of them."""

from typing import Any

import httpx

from tests.factories import OrgContext
from tests.respond_factories import csv_upload, invite, item_keys, submit
from tests.survey_factories import open_survey


def _answer(org: OrgContext, http: httpx.Client, survey_id: str, unit: str, count: int, value: int = 4,
            layer: str = "employee", skip: str | None = None) -> None:
    keys = item_keys(org)
    for token in invite(org, survey_id, unit, count=count, layer=layer):
        response = submit(http, token, {k: v for k, v in dict.fromkeys(keys, value).items() if k != skip})
        assert response.status_code == 201, response.text


def _report(org: OrgContext, survey_id: str, name: str, **params: Any) -> Any:
    response = org.admin.get(f"{org.prefix}/surveys/{survey_id}/reports/{name}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _action(org: OrgContext, survey_id: str, action: str) -> dict[str, Any]:
    response = org.admin.post(f"{org.prefix}/surveys/{survey_id}/{action}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_an_open_wave_shows_live_counts_and_no_figures_until_it_closes(org, http):
    survey = open_survey(org, min_group_size=5)
    team = org.unit("Team")
    _answer(org, http, survey["id"], team, 6)
    profile = _report(org, survey["id"], "profile")
    assert profile["group"]["n"] == 0 and all(d["mean"] is None for d in profile["dimensions"])
    rates = _report(org, survey["id"], "response-rates")
    assert rates["scope"]["answered"] == 6  # live
    before = _report(org, survey["id"], "profile", unit_id=team)
    _answer(org, http, survey["id"], team, 1, value=1)  # "I just filled it in"
    assert _report(org, survey["id"], "profile", unit_id=team) == before
    closed = _action(org, survey["id"], "close")
    assert closed["published_at"] is not None
    profile = _report(org, survey["id"], "profile")
    assert profile["group"]["n"] == 7 and profile["dimensions"][0]["n"] == 7


def test_after_a_reopening_late_responses_wait_for_enough_of_them(org, http):
    survey = open_survey(org, min_group_size=5)
    north, south = org.unit("North"), org.unit("South")
    _answer(org, http, survey["id"], north, 6)
    _answer(org, http, survey["id"], south, 6)
    first = _action(org, survey["id"], "close")
    published = _report(org, survey["id"], "profile")
    assert published["group"]["n"] == 12
    _action(org, survey["id"], "reopen")
    _answer(org, http, survey["id"], north, 1, value=1)
    assert _report(org, survey["id"], "profile") == published  # the same figures while open
    again = _action(org, survey["id"], "close")
    assert again["published_at"] == first["published_at"]
    assert _report(org, survey["id"], "profile") == published  # one late response in North: it waits
    assert _report(org, survey["id"], "response-rates")["scope"]["answered"] == 13  # yet it is counted
    _action(org, survey["id"], "reopen")
    _answer(org, http, survey["id"], north, 4, value=2)  # five late ones in the one atom that has any
    last = _action(org, survey["id"], "close")
    assert _report(org, survey["id"], "profile")["group"]["n"] == 17
    assert last["published_at"] > first["published_at"]  # the figures' date is that of the last publication


def test_an_import_into_a_closed_wave_is_published_by_the_same_rule(org, http):
    survey = open_survey(org, min_group_size=5)
    team = org.unit("Team")
    _answer(org, http, survey["id"], team, 6)
    _action(org, survey["id"], "close")
    keys = item_keys(org)
    url = f"{org.prefix}/surveys/{survey['id']}/responses/import"

    def rows(unit: str, n: int) -> str:
        return "\n".join(["unit,layer," + ",".join(keys), *[f"{unit},employee," + ",".join(["3"] * len(keys))] * n])

    assert org.admin.post(url, files=csv_upload(rows("Team", 2))).status_code == 201
    assert _report(org, survey["id"], "profile")["group"]["n"] == 6  # two more in Team: they wait
    assert org.admin.post(url, files=csv_upload(rows("Team", 3))).status_code == 201
    assert _report(org, survey["id"], "profile")["group"]["n"] == 11  # now five wait in Team: published


def test_a_draft_wave_of_historic_data_is_published_at_import(org):
    from tests.report_factories import Population, survey_with_responses
    data = survey_with_responses(org, Population([("Unit", "employee", 8, 0.0)]))
    assert data.survey["status"] == "draft"
    survey = org.admin.get(f"{org.prefix}/surveys/{data.id}").json()
    assert survey["published_at"] is not None
    assert _report(org, data.id, "profile")["group"]["n"] == 8


def test_late_responses_wait_until_every_dimension_gains_enough(org, http):
    """Five late answers in one atom, but one left an openness statement blank: openness's respondent set would grow
    by four, and its figures before and after would give those four away. They wait for one more complete one."""
    survey = open_survey(org, min_group_size=5)
    team = org.unit("Team")
    _answer(org, http, survey["id"], team, 6)
    _action(org, survey["id"], "close")
    published = _report(org, survey["id"], "profile")
    _action(org, survey["id"], "reopen")
    _answer(org, http, survey["id"], team, 4, value=2)
    _answer(org, http, survey["id"], team, 1, value=2, skip="openness_1")
    _action(org, survey["id"], "close")
    assert _report(org, survey["id"], "profile") == published  # openness would gain 4: all five wait
    _action(org, survey["id"], "reopen")
    _answer(org, http, survey["id"], team, 1, value=2)
    _action(org, survey["id"], "close")
    profile = _report(org, survey["id"], "profile")
    assert profile["group"]["n"] == 12
    openness = next(d for d in profile["dimensions"] if d["key"] == "openness")
    assert openness["n"] == 11  # six and five complete late ones; the sixth late one counts where complete
