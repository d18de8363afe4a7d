"""The k-anonymous raw export as SPSS syntax (`format=sps`): the same rows as the CSV, run by a real PSPP (Debian's
`pspp`, as SPSS would run it) into a dataset whose values, variable labels and value labels are checked; "don't
know" is user-missing, reverse-keyed statements are noted."""

import csv
import io
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from app.exports.spss import quoted_datum, spss_names
from tests.factories import OrgContext
from tests.report_factories import survey_with_responses
from tests.respond_factories import invite, submit
from tests.survey_factories import builtin_questionnaire, create_survey
from tests.test_export_formats import OPENNESS, POPULATION, _export, _rows

PSPP = shutil.which("pspp")
needs_pspp = pytest.mark.skipif(PSPP is None and not os.environ.get("CI"), reason="apt-get install pspp")


def test_string_cells_keep_their_quotes_and_commas():
    assert [quoted_datum(t) for t in ["Noord, Oost", 'Team "A"', "O'Brien", "O'Brien \"A\""]] == [
        '"Noord, Oost"', "'Team \"A\"'", '"O\'Brien"', '"O\'Brien \'A\'"']


def test_names_are_valid_spss_names_and_distinct():
    assert spss_names(["unit_path", "openness_1", "openness_1:desired", "1st", "to", "openness_1_desired"]) == [
        "unit_path", "openness_1", "openness_1_desired", "v1st", "to_", "openness_1_desired_2"]


def test_the_syntax_holds_the_csv_rows_and_the_labels(org: OrgContext):
    survey = survey_with_responses(org, POPULATION)
    sps = _export(org, survey.id, format="sps")
    assert sps.headers["content-disposition"].endswith('.sps"')
    assert {k: v for k, v in sps.headers.items() if k.startswith("x-export")} == {
        k: v for k, v in _export(org, survey.id).headers.items() if k.startswith("x-export")}
    text = sps.text
    comment, rows = _rows(_export(org, survey.id).text)
    assert f"* {comment.lstrip('# ')}." in text
    data = text.split("BEGIN DATA\n", 1)[1].split("\nEND DATA.", 1)[0].split("\n")
    parsed = list(csv.reader(io.StringIO("\n".join(data))))
    assert Counter(map(tuple, parsed)) == Counter(
        tuple(["99" if v == "dont_know" else v for v in row]) for row in rows[1:])
    definition = builtin_questionnaire(org)
    first = definition["dimensions"][0]["items"][0]
    label = first["texts"]["en"].replace("'", "''")
    assert f"openness_1 '{label}'" in text.replace("/openness_1", "openness_1")


@needs_pspp
def test_pspp_reads_it_into_the_same_values_with_labels(org: OrgContext, tmp_path: Path):
    survey = create_survey(org, ask_desired=True, min_group_size=3)
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    unit = org.unit("Team O'Brien, \"Noord\"")  # quotes and a comma in a string cell
    for token, current in zip(invite(org, survey["id"], unit, count=3), OPENNESS, strict=True):
        response = submit(org.admin, token, current, desired=dict.fromkeys(current, 5))
        assert response.status_code == 201, response.text
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    syntax = tmp_path / "export.sps"
    syntax.write_bytes(_export(org, survey["id"], format="sps").content)
    out_csv, listing = tmp_path / "out.csv", tmp_path / "out.txt"
    with syntax.open("a") as f:
        f.write(f"SAVE TRANSLATE /OUTFILE='{out_csv}' /TYPE=CSV /FIELDNAMES /REPLACE.\n"
                f"SAVE OUTFILE='{tmp_path / 'export.sav'}'.\nDISPLAY DICTIONARY.\n")
    run = subprocess.run([PSPP or "pspp", "-o", str(listing), str(syntax)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "error" not in (run.stdout + run.stderr).lower(), run.stdout + run.stderr
    assert (tmp_path / "export.sav").stat().st_size > 0
    got = list(csv.reader(io.StringIO(out_csv.read_text())))
    expected = list(csv.reader(io.StringIO(_export(org, survey["id"]).text.partition("\r\n")[2])))
    assert got[0] == spss_names(expected[0])

    def norm(row: list[str]) -> tuple[str, ...]:
        return tuple(("99" if v == "dont_know" else v).strip() for v in row)

    assert Counter(map(norm, got[1:])) == Counter(norm([r[0].replace('"', "'"), *r[1:]]) for r in expected[1:])
    assert any("Team O'Brien, 'Noord'" in r[0] for r in got[1:])  # both quotes: " becomes ' (PSPP)
    shown = listing.read_text()
    first = builtin_questionnaire(org)["dimensions"][0]["items"][0]["texts"]["en"]
    assert first[:30] in shown  # the statement as openness_1's label
    assert "Don't know" in shown or "Don't Know" in shown  # the value label of 99
    assert ("99" in shown and "Missing" in shown) or "missing" in shown.lower()
