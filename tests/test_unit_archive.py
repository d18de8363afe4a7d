"""What archiving a unit means: it retires the unit. Refused while sub-units are live or a wave that is not closed
still invites people there (close the wave first); nothing new goes under an archived unit; unarchiving needs the
parent live. Each refusal changes nothing, and each change is in the audit log."""

from tests.respond_factories import csv_upload
from tests.survey_factories import open_survey


def _patch(org, unit, **body):
    return org.admin.patch(f"{org.prefix}/units/{unit}", json=body)


def _archived(org, unit):
    return org.admin.get(f"{org.prefix}/units/{unit}").json()["archived"]


def test_a_unit_with_live_sub_units_is_not_archived(org):
    ids = org.tree({"Directie": {"Team A": {}}})
    refused = _patch(org, ids["Directie"], archived=True)
    assert refused.status_code == 409 and "sub-units" in refused.json()["detail"]
    assert not _archived(org, ids["Directie"])
    assert _patch(org, ids["Team A"], archived=True).status_code == 200
    assert _patch(org, ids["Directie"], archived=True).status_code == 200
    refused = _patch(org, ids["Team A"], archived=False)  # its parent is archived
    assert refused.status_code == 409 and "parent" in refused.json()["detail"]
    assert _archived(org, ids["Team A"])


def test_a_unit_invited_to_an_open_wave_is_archived_only_after_the_wave_closes(org):
    team = org.unit("Team Post")
    survey = open_survey(org, title="Najaar")
    mailed = org.admin.post(f"{org.prefix}/surveys/{survey['id']}/invitations",
                            json={"unit_id": team, "layer_id": org.layers["employee"], "count": 2})
    assert mailed.status_code == 201, mailed.text
    refused = _patch(org, team, archived=True, name="Team Post oud")
    assert refused.status_code == 409
    assert "Najaar" in refused.json()["detail"] and "close" in refused.json()["detail"]
    unit = org.admin.get(f"{org.prefix}/units/{team}").json()
    assert unit["archived"] is False and unit["name"] == "Team Post"  # the rename in the same request did not happen
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    assert _patch(org, team, archived=True).status_code == 200
    actions = [e["action"] for e in org.admin.get(f"{org.prefix}/audit-events").json()["events"][:1]]
    assert actions == ["unit.archived"]


def test_nothing_new_goes_under_an_archived_unit(org):
    ids = org.tree({"Oud": {}, "Nieuw": {"Team": {}}})
    assert _patch(org, ids["Oud"], archived=True).status_code == 200
    created = org.admin.post(f"{org.prefix}/units", json={"name": "X", "parent_id": ids["Oud"]})
    assert created.status_code == 422 and created.json()["errors"][0]["loc"] == ["body", "parent_id"]
    moved = _patch(org, ids["Team"], parent_id=ids["Oud"])
    assert moved.status_code == 422 and moved.json()["errors"][0]["msg"] == "the unit is archived"
    imported = org.admin.post(f"{org.prefix}/units/import", files=csv_upload("path\nNieuw/B\nOud/C\n"))
    assert imported.status_code == 422
    assert [e["loc"] for e in imported.json()["errors"]] == [["file", 3, "path"]]
    keyed = org.admin.post(f"{org.prefix}/units/import",
                           files=csv_upload("external_key,name,parent_key\nk1,C,old\n"))
    assert keyed.status_code == 422  # 'old' is no key: the archived unit has none
    names = sorted(u["name"] for u in org.admin.get(f"{org.prefix}/units").json())
    assert names == ["Nieuw", "Oud", "Team"]
