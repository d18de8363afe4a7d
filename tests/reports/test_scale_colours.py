"""The heatmap's colour follows each dimension's own scale (docs/scales.md): the heatmap report gives each column's
scale, and the board report colours a cell by its difference from the organisation as a share of that dimension's
range, so a shade means as much on 1..7 as on 1..5; the printed figures stay in each dimension's points."""

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest

from tests.factories import OrgContext
from tests.scale_factories import board_colour, mixed_questionnaire, mixed_survey

ROW = re.compile(r'<tr class="depth\d"><th>([^<]*)</th>(.*?)</tr>')
CELL = re.compile(r'<td class="cell"(?: style="background:([^"]*)")?>([^<]*)(?:<span class="rel">([^<]*)</span>)?</td>')


def test_the_heatmap_gives_each_columns_scale_and_the_board_colours_by_it(org: OrgContext) -> None:
    q = mixed_questionnaire(org)
    sid = mixed_survey(org, q)
    heat = org.admin.get(f"{org.prefix}/surveys/{sid}/reports/heatmap", params={"level": "tree"}).json()
    assert [(c["key"], c["scale_min"], c["scale_max"]) for c in heat["columns"]] == [
        ("sharing", 1, 5), ("trying", 1, 7)]
    html = org.admin.get(f"{org.prefix}/surveys/{sid}/reports/board-report", params={"format": "html"}).text
    shown = {name: CELL.findall(cells) for name, cells in ROW.findall(html)}
    rows = {r["group"]["unit_name"]: r for r in heat["rows"]}
    assert {"A", "B", "C"} <= set(shown), list(shown)
    partial = 0  # trying cells whose colour differs from the one-scale (half a point) rule: the test's teeth
    for name, cells in shown.items():
        for column, figure, (style, mean, rel) in zip(heat["columns"], rows[name]["cells"], cells, strict=True):
            diff = figure["diff_from_organisation"]
            assert mean == f"{figure['mean']:.2f}"  # printed as before: the mean in the dimension's own points
            assert not rel or float(rel.replace("\u2212", "-")) == pytest.approx(diff, abs=0.005)  # and in points
            assert style == board_colour(diff, column["scale_min"], column["scale_max"]), (name, column["key"])
            if column["key"] == "trying" and 0.05 < abs(diff) < 0.75:
                partial += 1
                assert style != board_colour(diff, 1, 5)
    assert partial >= 1, shown
    for lang, words in (("en", "an eighth of each dimension's range"), ("nl", "een achtste van het bereik")):
        text = unescape(org.admin.get(f"{org.prefix}/surveys/{sid}/reports/board-report",
                                      params={"format": "html", "lang": lang}).text)
        assert words in text and "1-7" in text
    readiness = org.admin.get(f"{org.prefix}/surveys/{sid}/reports/readiness").json()
    html_text = unescape(html)
    for d in readiness["dimensions"]:  # ranked as shares of each scale: the board says where each mean lies
        assert (f"{d['mean']:.2f} on {d['scale_min']}-{d['scale_max']}, {round(d['pomp'] * 100)}% of the way up "
                f"(n = {d['n']})") in html_text


def test_one_scale_keeps_half_a_point(org: OrgContext) -> None:
    """On a questionnaire of one 1..5 scale the colour is as before: full at half a point."""
    q = mixed_questionnaire(org, key="one-width", min=1, max=5, labels={"en": ["a"] * 5, "nl": ["b"] * 5})
    sid = mixed_survey(org, q)
    html = org.admin.get(f"{org.prefix}/surveys/{sid}/reports/board-report", params={"format": "html"}).text
    heat = org.admin.get(f"{org.prefix}/surveys/{sid}/reports/heatmap", params={"level": "tree"}).json()
    rows = {r["group"]["unit_name"]: r for r in heat["rows"]}
    for name, cells in ROW.findall(html):
        for figure, (style, _, _) in zip(rows[name]["cells"], CELL.findall(cells), strict=True):
            x = max(-1.0, min(1.0, figure["diff_from_organisation"] / 0.5))
            assert style == board_colour(x * 0.5, 1, 5)
    assert "an eighth of each dimension's range" not in html  # one scale: the lead names it, no second sentence


@pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("chromium") is None,
                    reason="needs Chromium and poppler-utils")
def test_the_printed_board_report_keeps_each_dimensions_points(org: OrgContext, tmp_path: Path,
                                                               artifacts: Path) -> None:
    """Printed (Chromium, pdftotext): the means in each dimension's points and the span sentence; its pages as PNG in
    tests/artifacts/board-report-scales-*.png."""
    q = mixed_questionnaire(org)
    sid = mixed_survey(org, q)
    pdf = org.admin.get(f"{org.prefix}/surveys/{sid}/reports/board-report", params={"lang": "nl"})
    assert pdf.status_code == 200, pdf.text
    path = tmp_path / "board.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "3", str(path),
                    str(artifacts / "board-report-scales")], check=True)
    heat = org.admin.get(f"{org.prefix}/surveys/{sid}/reports/heatmap", params={"level": "tree"}).json()
    joined = " ".join(text.split())
    assert "een achtste van het bereik van elke dimensie" in joined
    section = text[text.find("Heatmap"):]
    for row in heat["rows"]:
        line = next(x for x in section.splitlines() if re.match(rf"^\s*{row['group']['unit_name']}\s{{2,}}", x))
        means = [f"{c['mean']:.2f}".replace(".", ",") for c in row["cells"]]
        at = [line.find(m) for m in means]
        assert min(at) > 0 and at == sorted(at), line
