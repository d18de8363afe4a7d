def _units(ctx, client=None):
    return {u["name"]: u for u in (client or ctx.admin).get(f"{ctx.prefix}/units").json()}


def test_tree_of_any_depth_with_paths(org):
    ids = org.tree({"Directie Ruimte": {"Wonen": {"Team Noord": {"Werkgroep A": {}}}, "Klimaat": {}}})
    units = _units(org)
    assert units["Werkgroep A"]["path"] == ["Directie Ruimte", "Wonen", "Team Noord", "Werkgroep A"]
    assert units["Werkgroep A"]["depth"] == 3
    assert units["Klimaat"]["parent_id"] == ids["Directie Ruimte"]
    names = [u["name"] for u in org.admin.get(f"{org.prefix}/units").json()]
    assert names.index("Directie Ruimte") < names.index("Wonen") < names.index("Team Noord")


def test_sibling_names_are_unique(org):
    parent = org.unit("Directie")
    org.unit("Team A", parent)
    assert org.admin.post(f"{org.prefix}/units", json={"name": "team a", "parent_id": parent}).status_code == 409
    assert org.admin.post(f"{org.prefix}/units", json={"name": "Team A"}).status_code == 201  # other parent
    assert org.admin.post(f"{org.prefix}/units", json={"name": "Directie"}).status_code == 409  # roots too


def test_move_and_rename(org):
    ids = org.tree({"A": {"A1": {}}, "B": {}})
    response = org.admin.patch(f"{org.prefix}/units/{ids['A1']}", json={"parent_id": ids["B"], "name": "B1"})
    assert response.status_code == 200, response.text
    assert response.json()["path"] == ["B", "B1"]
    to_top = org.admin.patch(f"{org.prefix}/units/{ids['A1']}", json={"parent_id": None})
    assert to_top.json()["path"] == ["B1"] and to_top.json()["parent_id"] is None


def test_moves_that_would_make_a_cycle_are_409(org):
    ids = org.tree({"A": {"B": {"C": {}}}})
    assert org.admin.patch(f"{org.prefix}/units/{ids['A']}", json={"parent_id": ids["C"]}).status_code == 409
    assert org.admin.patch(f"{org.prefix}/units/{ids['A']}", json={"parent_id": ids["A"]}).status_code == 409
    assert _units(org)["A"]["parent_id"] is None


def test_move_into_a_name_clash_is_409(org):
    ids = org.tree({"A": {"Team": {}}, "B": {"Team": {}}})
    team_b = org.admin.get(f"{org.prefix}/units").json()
    team_b = next(u for u in team_b if u["path"] == ["B", "Team"])
    assert org.admin.patch(f"{org.prefix}/units/{team_b['id']}", json={"parent_id": ids["A"]}).status_code == 409


def test_archive_and_unarchive(org):
    unit = org.unit("Old team")
    assert org.admin.patch(f"{org.prefix}/units/{unit}", json={"archived": True}).json()["archived"] is True
    active = org.admin.get(f"{org.prefix}/units", params={"include_archived": "false"}).json()
    assert unit not in [u["id"] for u in active]
    assert org.admin.patch(f"{org.prefix}/units/{unit}", json={"archived": False}).json()["archived"] is False


def test_delete(org):
    ids = org.tree({"A": {"B": {}}})
    assert org.admin.delete(f"{org.prefix}/units/{ids['A']}").status_code == 409  # has a child
    assert org.admin.delete(f"{org.prefix}/units/{ids['B']}").status_code == 204
    assert org.admin.get(f"{org.prefix}/units/{ids['B']}").status_code == 404
    assert org.admin.delete(f"{org.prefix}/units/{ids['A']}").status_code == 204


def test_bad_unit_input_is_422(org, other_org):
    foreign = other_org.unit("Foreign")
    own = org.unit("Own")
    for body in ({"name": ""}, {"name": "a/b"}, {"name": "x" * 201}, {"name": "x", "parent_id": foreign},
                 {"name": "x", "parent_id": "nope"}, {"name": "x", "extra": 1}, {"name": "\u0000"}, {}):
        assert org.admin.post(f"{org.prefix}/units", json=body).status_code == 422, body
    assert org.admin.patch(f"{org.prefix}/units/{own}", json={"parent_id": foreign}).status_code == 422
    assert org.admin.patch(f"{org.prefix}/units/{own}", json={"name": None}).status_code == 422
    assert [u["name"] for u in org.admin.get(f"{org.prefix}/units").json()] == ["Own"]


def test_external_keys_are_unique_in_the_organisation(org, other_org):
    org.unit("A", external_key="HR-001")
    assert org.admin.post(f"{org.prefix}/units", json={"name": "B", "external_key": "HR-001"}).status_code == 409
    other_org.unit("A", external_key="HR-001")  # another organisation may use the same code


def test_unit_scoped_analyst_sees_only_its_subtree(org):
    ids = org.tree({"Ruimte": {"Wonen": {"Team Noord": {}}}, "Sociaal": {"Jeugd": {}}})
    analyst = org.client_for("analyst", ids["Wonen"])
    assert set(_units(org, analyst)) == {"Wonen", "Team Noord"}
    assert analyst.get(f"{org.prefix}/units/{ids['Team Noord']}").status_code == 200
    for outside in ("Ruimte", "Sociaal", "Jeugd"):
        assert analyst.get(f"{org.prefix}/units/{ids[outside]}").status_code == 404
    assert analyst.post(f"{org.prefix}/units", json={"name": "x", "parent_id": ids["Wonen"]}).status_code == 403


def test_a_unit_holding_responses_cannot_be_deleted_but_can_be_archived(org):
    from tests.report_factories import Population, survey_with_responses

    data = survey_with_responses(org, Population([("Directie/Team", "employee", 3, 0.0)]))
    team = data.units["Directie/Team"]
    response = org.admin.delete(f"{org.prefix}/units/{team}")
    assert response.status_code == 409 and "archive" in response.json()["detail"]
    assert org.admin.patch(f"{org.prefix}/units/{team}", json={"archived": True}).json()["archived"] is True
    assert org.admin.get(f"{org.prefix}/units/{team}").status_code == 200
