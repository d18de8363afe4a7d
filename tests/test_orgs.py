from tests.factories import client, unique_name

DEFAULT_LAYERS = ["executive_board", "director", "department_head", "team_leader", "employee"]


def test_create_organisation_with_default_layers(platform):
    response = platform.post("/api/v1/organisations", json={"name": "Gemeente Zuidhaven"})
    assert response.status_code == 201
    org = response.json()
    assert org["slug"].startswith("gemeente-zuidhaven")
    layers = platform.get(f"/api/v1/organisations/{org['id']}/layers").json()
    assert [layer["key"] for layer in layers] == DEFAULT_LAYERS
    assert [layer["rank"] for layer in layers] == [1, 2, 3, 4, 5]
    assert layers[3]["names"] == {"en": "Team leader", "nl": "Teamleider"}


def test_slug_conflict_is_409(platform):
    slug = unique_name("x").lower().replace(" ", "-")
    assert platform.post("/api/v1/organisations", json={"name": "A", "slug": slug}).status_code == 201
    assert platform.post("/api/v1/organisations", json={"name": "B", "slug": slug}).status_code == 409


def test_only_platform_admins_create_and_delete_organisations(org):
    assert org.admin.post("/api/v1/organisations", json={"name": "Mine"}).status_code == 403
    assert org.admin.delete(org.prefix).status_code == 403


def test_listing_shows_only_own_organisation(org, other_org, platform):
    own = org.admin.get("/api/v1/organisations").json()
    assert [o["id"] for o in own] == [org.id]
    every = {o["id"] for o in platform.get("/api/v1/organisations").json()}
    assert {org.id, other_org.id} <= every


def test_rename_needs_admin(org):
    analyst = org.client_for("analyst")
    assert analyst.patch(org.prefix, json={"name": "New"}).status_code == 403
    response = org.admin.patch(org.prefix, json={"name": "  Renamed  "})
    assert response.status_code == 200 and response.json()["name"] == "Renamed"


def test_delete_organisation_removes_everything(platform, server_url):
    from tests.factories import new_organisation

    ctx = new_organisation(platform, server_url)
    ctx.tree({"Directie": {"Afdeling": {"Team": {}}}})
    analyst_key = ctx.key("analyst")
    assert platform.delete(ctx.prefix).status_code == 204
    assert platform.get(ctx.prefix).status_code == 404
    with client(server_url, analyst_key) as gone:
        assert gone.get("/api/v1/me").status_code == 401
    ctx.close()


def test_replace_layers(org):
    layers = [{"key": "management", "names": {"en": "Management", "nl": "Directie"}},
              {"key": "staff", "names": {"en": "Staff", "nl": "Medewerkers"}}]
    response = org.admin.put(f"{org.prefix}/layers", json={"layers": layers})
    assert response.status_code == 200, response.text
    assert [(layer["key"], layer["rank"]) for layer in response.json()] == [("management", 1), ("staff", 2)]


def test_replace_layers_rejects_bad_input(org):
    dup = [{"key": "a", "names": {"en": "A", "nl": "A"}}] * 2
    for body in ({"layers": dup}, {"layers": []}, {"layers": [{"key": "Bad Key", "names": {"en": "x", "nl": "y"}}]},
                 {"layers": [{"key": "a", "names": {"en": "x"}}]}):
        response = org.admin.put(f"{org.prefix}/layers", json=body)
        assert response.status_code == 422, body
    assert len(org.admin.get(f"{org.prefix}/layers").json()) == 5
    assert org.client_for("analyst").put(f"{org.prefix}/layers", json={"layers": dup[:1]}).status_code == 403
