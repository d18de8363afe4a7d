"""The k-anonymous raw export as an SPSS data file (`format=sav`), read back with pyreadstat: the same rows as the
CSV export (generalised as it is), variable labels (the statements, reverse-keyed ones marked), value labels (the
answer scale), "don't know" declared as the user-missing 99 (the export writes a dimension only for those who
answered all of it on the scale), the `#` line as a file note."""

import csv
import io
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pyreadstat

from app.exports.spss import spss_names
from tests.factories import OrgContext
from tests.report_factories import survey_with_responses
from tests.respond_factories import invite, submit
from tests.survey_factories import builtin_questionnaire, create_survey
from tests.test_export_formats import OPENNESS, POPULATION, _export, _rows
from tests.test_export_spss import PSPP, needs_pspp

SCALE = {1.0: "Strongly disagree", 2.0: "Disagree", 3.0: "Neither agree nor disagree", 4.0: "Agree",
         5.0: "Strongly agree", 99.0: "Don't know / not applicable"}


def _read(content: bytes, tmp_path: Path) -> tuple[Any, Any]:
    path = tmp_path / "export.sav"
    path.write_bytes(content)
    return pyreadstat.read_sav(str(path), user_missing=True)  # keep 99 as a value, declared missing in the meta


def _as_csv(frame: Any, meta: Any) -> list[tuple[str, ...]]:
    """The data frame's rows written as the CSV writes them (99 as `dont_know`, a missing answer empty)."""
    text = {name for name, kind in meta.readstat_variable_types.items() if kind == "string"}
    out = []
    for record in frame.itertuples(index=False):
        row = []
        for name, value in zip(meta.column_names, record, strict=True):
            if name in text:
                row.append(value)
            elif value != value:  # NaN: system-missing
                row.append("")
            else:
                row.append("dont_know" if value == 99 else str(int(value)))
        out.append(tuple(row))
    return out


def test_the_sav_holds_the_csv_rows_with_labels(org: OrgContext, tmp_path: Path) -> None:
    survey = survey_with_responses(org, POPULATION)
    sav = _export(org, survey.id, format="sav")
    assert sav.headers["content-type"] == "application/x-spss-sav"
    assert sav.headers["content-disposition"] == f'attachment; filename="responses-{survey.id}.sav"'
    csv_export = _export(org, survey.id)
    assert {k: v for k, v in sav.headers.items() if k.startswith("x-export")} == {
        k: v for k, v in csv_export.headers.items() if k.startswith("x-export")}
    comment, rows = _rows(csv_export.text)
    frame, meta = _read(sav.content, tmp_path)
    assert meta.column_names == spss_names(rows[0])
    assert len(rows) > 2 and Counter(_as_csv(frame, meta)) == Counter(map(tuple, rows[1:]))
    assert any(r[0] != "Town/Care" for r in rows[1:])  # the generalisation is the CSV's, not the stored units
    notes = " ".join(meta.notes)  # the file's document lines of 80 bytes
    assert notes.startswith(comment.lstrip("# ") + " ") and all(len(line) <= 80 for line in meta.notes)
    items = [item for dimension in builtin_questionnaire(org)["dimensions"] for item in dimension["items"]]
    for item in items:
        label = meta.column_names_to_labels[item["key"]]
        assert label == item["texts"]["en"] + (" (reverse-keyed)" if item.get("reverse") else "")
        assert meta.variable_value_labels[item["key"]] == SCALE
        assert meta.missing_ranges[item["key"]] == [{"lo": 99.0, "hi": 99.0}]
        assert meta.variable_measure[item["key"]] == "ordinal"
    assert any(item.get("reverse") for item in items)
    assert " ".join(f"{item['key']}: reverse-keyed (answers as ticked, not reversed)"
                    for item in items if item.get("reverse")) in notes
    assert meta.column_names_to_labels["unit_path"] == "unit_path"
    assert meta.variable_measure["unit_path"] == "nominal"
    assert meta.readstat_variable_types["unit_path"] == "string"


def test_desired_dont_know_quotes_and_missing_answers_read_back(org: OrgContext, tmp_path: Path) -> None:
    survey = create_survey(org, ask_desired=True, min_group_size=3)
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    unit = org.unit("Team O'Brien, \"Noord\" \u2013 Zoë")
    for token, current in zip(invite(org, survey["id"], unit, count=3), OPENNESS, strict=True):
        assert submit(org.admin, token, current, desired=dict.fromkeys(current, 5)).status_code == 201
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    _, rows = _rows(_export(org, survey["id"]).text)
    frame, meta = _read(_export(org, survey["id"], format="sav").content, tmp_path)
    assert Counter(_as_csv(frame, meta)) == Counter(map(tuple, rows[1:]))  # unlike .sps: the quotes stay as they are
    assert sorted(frame["openness_2"].dropna()) == [1.0, 2.0, 2.0]
    assert frame["collegiality_1"].isna().all()  # a dimension nobody completed: never written
    assert frame["openness_1_desired"].tolist() == [5.0, 5.0, 5.0]
    text = builtin_questionnaire(org)["dimensions"][0]["items"][0]["texts"]["en"]
    assert meta.column_names_to_labels["openness_1_desired"].startswith(text + " (")
    assert meta.variable_value_labels["openness_1_desired"] == SCALE


def test_a_survey_without_responses_is_an_empty_dataset(org: OrgContext, tmp_path: Path) -> None:
    survey = create_survey(org)
    frame, meta = _read(_export(org, survey["id"], format="sav").content, tmp_path)
    assert len(frame) == 0 and meta.column_names[:4] == ["unit_path", "unit_key", "layer", "openness_1"]


def test_dialect_is_refused_with_sav(org: OrgContext) -> None:
    survey = create_survey(org)
    response = org.admin.get(f"{org.prefix}/surveys/{survey['id']}/responses/export",
                             params={"format": "sav", "dialect": "excel-nl"})
    assert response.status_code == 422


@needs_pspp
def test_pspp_opens_the_sav_with_its_labels(org: OrgContext, tmp_path: Path) -> None:
    """Another reader than the writer's own library: Debian's `pspp` opens the file as SPSS would."""
    survey = survey_with_responses(org, POPULATION)
    (tmp_path / "export.sav").write_bytes(_export(org, survey.id, format="sav").content)
    syntax, listing, out_csv = tmp_path / "read.sps", tmp_path / "out.txt", tmp_path / "out.csv"
    syntax.write_text(f"GET FILE='{tmp_path / 'export.sav'}'.\nDISPLAY DICTIONARY.\nDISPLAY DOCUMENTS.\n"
                      f"SAVE TRANSLATE /OUTFILE='{out_csv}' /TYPE=CSV /FIELDNAMES /REPLACE.\n")
    run = subprocess.run([PSPP or "pspp", "-o", str(listing), str(syntax)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0 and "error" not in (run.stdout + run.stderr).lower(), run.stdout + run.stderr
    shown = listing.read_text()
    first = builtin_questionnaire(org)["dimensions"][0]["items"][0]["texts"]["en"]
    assert first[:30] in shown and "reverse-keyed" in shown and "Strongly disagree" in shown
    _, rows = _rows(_export(org, survey.id).text)
    got = list(csv.reader(io.StringIO(out_csv.read_text())))
    assert got[0] == spss_names(rows[0]) and len(got) == len(rows)


def test_the_long_shape_as_sav(org: OrgContext, tmp_path: Path) -> None:
    """`shape=long`: the same rows as its CSV, `dimension` and `frame` as strings, one variable per statement."""
    survey = survey_with_responses(org, POPULATION)
    _, rows = _rows(_export(org, survey.id, shape="long").text)
    frame, meta = _read(_export(org, survey.id, format="sav", shape="long").content, tmp_path)
    assert meta.column_names[:5] == ["unit_path", "unit_key", "layer", "dimension", "frame"]
    assert meta.readstat_variable_types["frame"] == "string" and "openness_1_desired" not in meta.column_names
    assert len(rows) > 2 and Counter(_as_csv(frame, meta)) == Counter(map(tuple, rows[1:]))
