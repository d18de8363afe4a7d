"""The heatmap's `tree` level (issue 15): directorate, department and team rows in tree order, each row the same
figures as that unit's row at its own level, hidden cells hidden the same way."""

from typing import Any

from tests.factories import OrgContext
from tests.report_factories import Population, survey_with_responses

POP = [("Town/Care/Team 1", "employee", 12, 0.6), ("Town/Care/Team 1", "team_leader", 5, 0.9),
       ("Town/Care/Team 2", "employee", 10, 0.2), ("Town/Space/Team 3", "employee", 11, -0.4),
       ("Town/Space/Team 4", "employee", 3, -0.1), ("Town/Care", "department_head", 5, 0.8),
       ("Town/Space", "department_head", 5, 0.5), ("Town", "director", 5, 1.0), ("Board", "director", 2, 1.0)]


def rounded(x: Any) -> Any:
    if isinstance(x, float):
        return round(x, 10)
    if isinstance(x, dict):
        return {k: rounded(v) for k, v in x.items()}
    return [rounded(v) for v in x] if isinstance(x, list) else x


def heat(org: OrgContext, sid: str, **params: Any) -> dict[str, Any]:
    response = org.admin.get(f"{org.prefix}/surveys/{sid}/reports/heatmap", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_tree_rows_in_tree_order_with_the_figures_of_their_own_level(org: OrgContext) -> None:
    data = survey_with_responses(org, Population(POP, seed=31))
    tree = heat(org, data.id, level="tree")
    assert tree["level"] == "tree"
    paths = [r["group"]["unit_path"] for r in tree["rows"]]
    assert paths == [["Board"], ["Town"], ["Town", "Care"], ["Town", "Care", "Team 1"], ["Town", "Care", "Team 2"],
                     ["Town", "Space"], ["Town", "Space", "Team 3"], ["Town", "Space", "Team 4"]] or paths == [
        ["Town"], ["Town", "Care"], ["Town", "Care", "Team 1"], ["Town", "Care", "Team 2"], ["Town", "Space"],
        ["Town", "Space", "Team 3"], ["Town", "Space", "Team 4"], ["Board"]]
    # every row is the row that unit has at its own level (children of its parent): same figures, same hiding
    units = {u["name"]: u["id"] for u in org.admin.get(f"{org.prefix}/units").json()}
    seen = {}
    for parent in (None, units["Town"], units["Care"], units["Space"]):
        params = {"level": "children"} | ({"unit_id": parent} if parent else {})
        for row in heat(org, data.id, **params)["rows"]:
            seen[row["group"]["unit_id"]] = row
    for row in tree["rows"]:  # (summed in another order: equal to the last bits)
        assert rounded(row) == rounded(seen[row["group"]["unit_id"]])
    hidden = {tuple(r["group"]["unit_path"]) for r in tree["rows"] if r["group"]["suppressed"]}
    assert ("Board",) in hidden and ("Town", "Space", "Team 4") in hidden
    for row in tree["rows"]:
        if row["group"]["suppressed"]:
            assert all(c["mean"] is None and c["n"] is None for c in row["cells"])
    # a unit's tree: the unit itself, then the units below it; a team's: the team
    sub = heat(org, data.id, level="tree", unit_id=units["Care"])
    assert [r["group"]["unit_path"][-1] for r in sub["rows"]] == ["Care", "Team 1", "Team 2"]
    assert rounded(sub["rows"][0]) == rounded(seen[units["Care"]])
    team = heat(org, data.id, level="tree", unit_id=units["Team 1"])
    assert [r["group"]["unit_path"][-1] for r in team["rows"]] == ["Team 1"]
    csv = org.admin.get(f"{org.prefix}/surveys/{data.id}/reports/heatmap", params={"level": "tree", "format": "csv"})
    assert csv.status_code == 200 and csv.text.count("\n") == len(tree["rows"]) + 1
