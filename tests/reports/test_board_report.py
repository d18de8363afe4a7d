"""The board report (issue 15): a PDF per scope in Dutch or English, printed by the real headless Chromium, read
back with poppler (`pdftotext`, `pdftoppm`): its sections, its figures against the JSON reports of the same scope,
no hidden figure anywhere in it, all leaders together where single layers are hidden, and a clean 503 with the
reason when the server has no Chromium. PNGs of the first pages go to tests/artifacts/board-report-*.png."""

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.factories import OrgContext
from tests.report_factories import Population, survey_with_responses

# Space has leadership layers too small to show one by one (all its
# leaders together may be); Board is a unit of leaders only.
POP = [("Town/Care/Team 1", "employee", 12, 0.6), ("Town/Care/Team 1", "team_leader", 5, 0.9),
       ("Town/Care/Team 2", "employee", 10, 0.2), ("Town/Space/Team 3", "employee", 11, -0.4),
       ("Town/Space/Team 3", "team_leader", 4, 0.9), ("Town/Space/Team 3", "department_head", 4, 0.9),
       ("Town/Space/Team 4", "employee", 6, -0.1), ("Town/Care", "department_head", 5, 0.8),
       ("Town", "director", 5, 1.0), ("Board", "director", 6, 1.5), ("Board", "department_head", 6, 1.5)]
TOOLS = ("pdftotext", "pdftoppm", "pdfinfo")
HIDDEN_WORDS = {"en": "not shown", "nl": "niet getoond"}


@pytest.fixture(autouse=True)
def _tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing or shutil.which("chromium") is None:
        message = f"the board report tests need Chromium and poppler-utils (missing: {missing or ['chromium']})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def report(org: OrgContext, sid: str, name: str, **params: Any) -> Any:
    response = org.admin.get(f"{org.prefix}/surveys/{sid}/reports/{name}", params=params)
    assert response.status_code == 200, response.text
    return response


def pdf_text(pdf: bytes, folder: Path) -> str:
    path = folder / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


def to_png(pdf: bytes, folder: Path, artifacts: Path, name: str) -> list[Path]:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "3", str(path), str(artifacts / name)],
                   check=True)
    return sorted(artifacts.glob(f"{name}-*.png"))


def line_of(text: str, name: str) -> str:
    """The layout line that starts with a unit's name (the heatmap's row)."""
    found = [line for line in text.splitlines() if re.match(rf"^\s*{re.escape(name)}\s{{2,}}", line)]
    assert found, (name, text[:3000])
    return found[0]


def slug(name: str) -> str:
    """A name in a file name, as the console writes a wave's title in `links-Cultuurmeting-2027.csv`."""
    return re.sub(r"[\W_]+", "-", name).strip("-")


def fmt(x: float, lang: str) -> str:
    """Two decimals as the dashboard (Intl.NumberFormat) and the board report round them: the shortest decimal of
    the float, halves away from zero."""
    text = f"{Decimal(repr(x)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f}"
    return text.replace(".", ",") if lang == "nl" else text


def check_heatmap(text: str, heat: dict[str, Any], lang: str, *, some_hidden: bool | None = True) -> None:
    """Every unit's row as the JSON report has it; a hidden row shows no figure at all."""
    if some_hidden is not None:  # the case the check is about
        assert any(row["group"]["suppressed"] for row in heat["rows"]) == some_hidden
    for row in heat["rows"]:
        name = row["group"]["unit_name"]
        line = line_of(text, name)
        if row["group"]["suppressed"]:
            assert HIDDEN_WORDS[lang] in line and not re.search(r"\d", line.replace(name, "")), line
        else:
            shown = [fmt(c["mean"], lang) for c in row["cells"] if c["mean"] is not None]
            assert re.findall(r"\d+[.,]\d\d", line)[:len(shown)] == shown, line
            assert line.rstrip().endswith(str(row["group"]["n"]))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_board_report_of_the_organisation_and_of_a_unit(org: OrgContext, tmp_path: Path, artifacts: Path,
                                                           lang: str) -> None:
    data = survey_with_responses(org, Population(POP, seed=41))
    response = report(org, data.id, "board-report", lang=lang)
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # the organisation's name and the wave's title in the file's name: successive downloads do not collide
    name = f"board-report-{lang}-{slug(org.admin.get(org.prefix).json()['name'])}-{slug(data.survey['title'])}"
    assert f'filename="{name}.pdf"' in response.headers["content-disposition"]
    text = pdf_text(response.content, tmp_path)
    titles = {"en": ["board report", "Response rates", "Readiness summary", "Heatmap", "Perception gaps between layers",
                     "Room to grow", "Statements", "Method and anonymity"],
              "nl": ["rapport voor het bestuur", "Respons", "Samenvatting: gereedheid", "Heatmap",
                     "Perceptieverschillen tussen lagen", "Ruimte om te groeien", "Stellingen",
                     "Methode en anonimiteit"]}[lang]
    positions = [text.find(title) for title in titles]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), list(zip(titles, positions, strict=True))
    pngs = to_png(response.content, tmp_path, artifacts, f"board-report-{lang}-organisation")
    assert pngs and all(p.stat().st_size > 5000 for p in pngs)
    # the heatmap: every unit's row as the JSON report has it; a hidden row shows no figure at all
    heat = report(org, data.id, "heatmap", level="tree", lang=lang).json()
    check_heatmap(text[positions[3]:positions[4]], heat, lang)
    # the leaders-only unit is listed apart, never among the ranked teams
    readiness = report(org, data.id, "readiness", lang=lang).json()
    assert [t["group"]["unit_name"] for t in readiness["leadership_units"]] == ["Board"]
    ranked = text[text.find(titles[2]):text.find(titles[3])]
    leadership = ranked.find("Leadership" if lang == "en" else "Leiding (")
    assert leadership > 0 and "Board" in ranked[leadership:] and "Board" not in ranked[:leadership]
    # a unit: single layers hidden, all leaders together against the employees
    space = data.units["Town/Space"]
    unit = report(org, data.id, "board-report", lang=lang, unit_id=space)
    assert f'filename="{name}-Space.pdf"' in unit.headers["content-disposition"]
    unit_text = pdf_text(unit.content, tmp_path)
    to_png(unit.content, tmp_path, artifacts, f"board-report-{lang}-unit")
    single = report(org, data.id, "perception-gaps", unit_id=space, lang=lang).json()
    assert any(c["suppressed"] for c in single["comparisons"])
    pooled = report(org, data.id, "perception-gaps", unit_id=space, lang=lang,
                    a="executive_board,director,department_head,team_leader", b="employee").json()["comparisons"][0]
    together = "All leaders together" if lang == "en" else "Alle leidinggevenden samen"
    if pooled["suppressed"]:  # all leaders together would reveal a smaller group here: not in the report either
        assert together not in unit_text
    for d in [] if pooled["suppressed"] else pooled["dimensions"]:  # (shown: the demo's directorates, e2e tests)
        if d["difference"] is not None:
            sign = "+" if d["difference"] > 0 else "\u2212"
            assert together in unit_text and f"{sign}{fmt(abs(d['difference']), lang)}" in unit_text
    scope = report(org, data.id, "profile", unit_id=space).json()["group"]
    if scope["suppressed"]:  # a unit too small to report on: said so, and no section with figures
        assert ("too few respondents to report on" if lang == "en" else "te weinig respondenten om over te "
                "rapporteren") in " ".join(unit_text.split())
        assert "Heatmap" not in unit_text and not re.search(r"\d[.,]\d\d", unit_text)
    else:
        check_heatmap(unit_text[unit_text.find("Heatmap"):],
                      report(org, data.id, "heatmap", level="tree", lang=lang, unit_id=space).json(), lang,
                      some_hidden=None)
    care = report(org, data.id, "board-report", lang=lang, unit_id=data.units["Town/Care"]).content
    care_text = pdf_text(care, tmp_path)
    check_heatmap(care_text[care_text.find("Heatmap"):],
                  report(org, data.id, "heatmap", level="tree", lang=lang, unit_id=data.units["Town/Care"]).json(),
                  lang, some_hidden=False)


def test_a_hidden_team_shows_no_figure_in_the_pdf(org: OrgContext, tmp_path: Path, artifacts: Path) -> None:
    data = survey_with_responses(org, Population([*POP[:3], ("Town/Care/Team 5", "employee", 3, 0.0)], seed=44))
    pdf = report(org, data.id, "board-report", lang="nl").content
    text = pdf_text(pdf, tmp_path)
    to_png(pdf, tmp_path, artifacts, "board-report-nl-suppressed")
    heat = report(org, data.id, "heatmap", level="tree", lang="nl").json()
    check_heatmap(text[text.find("Heatmap"):text.find("Perceptieverschillen")], heat, "nl")
    hidden = [r for r in heat["rows"] if r["group"]["suppressed"]]
    assert "Team 5" in [r["group"]["unit_name"] for r in hidden]


def test_the_html_it_is_printed_from_has_no_script_and_fetches_nothing(org: OrgContext) -> None:
    data = survey_with_responses(org, Population(POP, seed=42))
    html = report(org, data.id, "board-report", format="html").text
    assert "<script" not in html and "default-src 'none'" in html
    assert not re.search(r"""(src|href)=["']?(https?:|//|/)""", html)


@pytest.fixture
def no_chromium() -> Iterator[None]:
    from app.config import get_settings

    os.environ["CHROMIUM_PATH"] = "/nonexistent/chromium"
    get_settings.cache_clear()
    try:
        yield
    finally:
        del os.environ["CHROMIUM_PATH"]
        get_settings.cache_clear()


def test_without_chromium_a_503_that_says_why(org: OrgContext, no_chromium: None) -> None:
    data = survey_with_responses(org, Population(POP, seed=43))
    response = org.admin.get(f"{org.prefix}/surveys/{data.id}/reports/board-report")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == "urn:culturegap:problem:unavailable" and "Chromium" in body["detail"]
    assert org.admin.get(f"{org.prefix}/surveys/{data.id}/reports/board-report",
                         params={"format": "html"}).status_code == 200  # the HTML needs no printer
