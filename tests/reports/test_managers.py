"""Managers don't cost teams: department heads (fewer than k at their department) count with the directorate's
own group, a lone director with the board, so every team, department and directorate with n >= k is shown, the API
says whose answers each unit's figures include, and layer comparisons still see everyone in their own layer."""

from tests.report_factories import Population, survey_with_responses

POP = Population([
    ("Space/Housing/North", "employee", 8, 0.0), ("Space/Housing/North", "team_leader", 1, 0.5),
    ("Space/Housing/South", "employee", 9, 0.1), ("Space/Housing/South", "team_leader", 1, 0.5),
    ("Space/Housing", "department_head", 3, 0.8),
    ("Space/Water/Green", "employee", 7, -0.2), ("Space/Water/Green", "team_leader", 1, 0.5),
    ("Space/Water/Blue", "employee", 10, 0.0), ("Space/Water/Blue", "team_leader", 1, 0.5),
    ("Space/Water", "department_head", 2, 0.8), ("Space", "director", 4, 1.0),
    ("Care/Youth/East", "employee", 12, 0.0), ("Care/Youth/West", "employee", 11, 0.0),
    ("Care/Youth", "department_head", 2, 0.8), ("Care", "director", 1, 1.0),
    ("Care/Youth/East", "team_leader", 1, 0.5), ("Care/Youth/West", "team_leader", 1, 0.5),
    ("Care/Youth", "department_head", 3, 0.8), ("Board", "executive_board", 5, 1.2),
], missing=0.0, seed=8)


def test_every_team_and_department_with_k_is_shown_and_says_where_heads_count(org):
    data = survey_with_responses(org, POP)
    url = f"{org.prefix}/surveys/{data.id}/reports/breakdown"
    teams = {"/".join(g["group"]["unit_path"]): g["group"] for g in
             org.admin.get(url, params={"level": "teams"}).json()["groups"]}
    assert all(not g["suppressed"] for g in teams.values()), teams
    departments = {}
    for directorate in ("Space", "Care"):
        body = org.admin.get(url, params={"unit_id": data.units[directorate], "level": "children"}).json()
        departments.update({"/".join(g["group"]["unit_path"]): g["group"] for g in body["groups"]})
    assert all(not g["suppressed"] for g in departments.values())
    housing = departments["Space/Housing"]
    # three heads at Housing, two at Water, four directors: together nine at the directorate
    assert housing["n"] == teams["Space/Housing/North"]["n"] + teams["Space/Housing/South"]["n"] == 19
    assert housing["own_counted_at"] == ["Space"]
    space = org.admin.get(f"{org.prefix}/surveys/{data.id}/reports/profile",
                          params={"unit_id": data.units["Space"]}).json()["group"]
    assert space["n"] == 19 + 19 + 3 + 2 + 4 and space["own_counted_at"] is None
    assert space["counts_own_of"] == [["Space", "Housing"], ["Space", "Water"]]
    youth = departments["Care/Youth"]  # five heads of its own: they count at Youth
    assert youth["own_counted_at"] is None and youth["n"] == 12 + 11 + 2 + 5
    # Care's lone director: at the organisation they would be "everyone minus the top units"; they count with the
    # board, as the directors of a municipality sit in its directieraad
    care = departments["Care"] if "Care" in departments else org.admin.get(
        f"{org.prefix}/surveys/{data.id}/reports/profile", params={"unit_id": data.units["Care"]}).json()["group"]
    assert care["own_counted_at"] == ["Board"] and care["n"] == youth["n"] and not care["suppressed"]
    board = org.admin.get(f"{org.prefix}/surveys/{data.id}/reports/profile",
                          params={"unit_id": data.units["Board"]}).json()["group"]
    assert board["n"] == 6 and board["counts_own_of"] == [["Care"]]
    # layer cells keep everyone in their own layer: the department heads of Youth are its five
    cells = org.admin.get(url, params={"by": "unit_layer", "unit_id": data.units["Care"], "level": "children"}).json()
    heads = [g["group"] for g in cells["groups"] if g["group"]["layer_key"] == "department_head"]
    assert [(h["unit_path"], h["n"]) for h in heads] == [(["Care", "Youth"], 5)]
