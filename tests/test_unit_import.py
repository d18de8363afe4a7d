def _import(ctx, text, client=None, name="units.csv"):
    return (client or ctx.admin).post(f"{ctx.prefix}/units/import",
                                      files={"file": (name, text.encode("utf-8"), "text/csv")})


def _paths(ctx):
    return sorted("/".join(u["path"]) for u in ctx.admin.get(f"{ctx.prefix}/units").json())


def test_import_paths_creates_ancestors_and_is_idempotent(org):
    csv = "path,external_key\nRuimte/Wonen/Team Noord,T1\nRuimte/Wonen/Team Zuid,T2\nSociaal,\n"
    first = _import(org, csv)
    assert first.status_code == 200, first.text
    assert first.json()["created"] == 5 and first.json()["existing"] == 0
    assert _paths(org) == ["Ruimte", "Ruimte/Wonen", "Ruimte/Wonen/Team Noord", "Ruimte/Wonen/Team Zuid", "Sociaal"]
    again = _import(org, csv).json()
    assert again["created"] == 0 and again["existing"] == 3
    assert len(_paths(org)) == 5


def test_import_parent_keys_in_any_order(org):
    csv = "external_key;name;parent_key\nT1;Team Noord;D1\nD1;Wonen;R\nR;Ruimte;\n"
    response = _import(org, csv)
    assert response.status_code == 200, response.text
    assert _paths(org) == ["Ruimte", "Ruimte/Wonen", "Ruimte/Wonen/Team Noord"]
    units = {u["name"]: u for u in response.json()["units"]}
    assert units["Team Noord"]["external_key"] == "T1"


def test_import_is_all_or_nothing_with_every_bad_line(org):
    csv = "path\nGood/Unit\n/Leading slash\nAlso good\nx" + "y" * 250 + "\n"
    response = _import(org, csv)
    assert response.status_code == 422
    lines = [e["loc"][1] for e in response.json()["errors"]]
    assert lines == [3, 5]
    assert _paths(org) == []


def test_import_key_errors(org):
    cases = {
        "external_key,name,parent_key\nA,One,\nA,Two,\n": "appears twice",
        "external_key,name,parent_key\nA,One,B\nB,Two,A\n": "cycle",
        "external_key,name,parent_key\nA,One,Z\n": "no unit with key",
        "external_key,name,parent_key\nA,One,A\n": "own parent",
        "external_key,name,parent_key\n,One,\n": "required",
    }
    for csv, message in cases.items():
        response = _import(org, csv)
        assert response.status_code == 422, csv
        assert message in response.text, (csv, response.text)
    assert _paths(org) == []


def test_import_rejects_bad_files(org):
    assert _import(org, "name,parent\nA,B\n").status_code == 422  # unknown layout
    assert _import(org, "path\n").status_code == 422  # no rows
    assert org.admin.post(f"{org.prefix}/units/import",
                          files={"file": ("x.csv", b"path\n\x81\x8d", "text/csv")}).status_code == 422
    assert _import(org, 'path\n"unterminated\n').status_code == 422
    assert _import(org, "path\nA\x00B\n").status_code == 422
    assert _import(org, "path\nA,extra\n").status_code == 422
    assert org.admin.post(f"{org.prefix}/units/import").status_code == 422  # no file
    assert _paths(org) == []


def test_import_needs_admin(org):
    assert _import(org, "path\nA\n", client=org.client_for("analyst")).status_code == 403
