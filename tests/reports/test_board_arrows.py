"""The board report's trend arrows (issue 15, item 4), printed by the real headless Chromium and read back with
`pdftotext`: beside each readiness score and statement an arrow, the signed change since the previous wave and
whether it is more than chance -- exactly where the trend (and statements) reports of the same scope give a change
with both waves' figures shown; none where either wave hides the figure (a unit hidden in the earlier wave, a
dimension whose respondents were too few there). PNGs go to tests/artifacts/board-arrows-*.png."""

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.factories import OrgContext
from tests.report_factories import Population, survey_with_responses
from tests.reports.test_board_report import _tools, pdf_text, report, to_png  # noqa: F401 (the fixture)

ARROWS = re.compile("[\u2191\u2193\u2192]")
MINUS = "\u2212"
# wave 1: Team 2 too small to show (Care's own people keep Team 1 apart from it); 4 of Team 1's 8
# employees left openness blank: the dimension's set there is below 5 while the team is shown
FIRST = [("Town/Care/Team 1", "employee", 8, 0.3), ("Town/Care/Team 2", "employee", 3, 0.0),
         ("Town/Space/Team 3", "employee", 12, -0.3), ("Town/Space/Team 3", "team_leader", 5, 0.6),
         ("Town/Care", "department_head", 6, 0.5), ("Town/Care", "employee", 5, 0.2), ("Town", "director", 5, 0.8)]
LATER = [("Town/Care/Team 1", "employee", 12, 0.9), ("Town/Care/Team 2", "employee", 10, 0.4),
         ("Town/Space/Team 3", "employee", 12, 0.3), ("Town/Space/Team 3", "team_leader", 5, 1.0),
         ("Town/Care", "department_head", 6, 0.9), ("Town/Care", "employee", 5, 0.6), ("Town", "director", 5, 1.2)]
TITLES = {"en": ("Readiness summary", "Heatmap", "Statements", "Method and anonymity"),
          "nl": ("Samenvatting: gereedheid", "Heatmap", "Stellingen", "Methode en anonimiteit")}
CLEAR = {"en": "a clear change", "nl": "een duidelijke verandering"}


def signed(x: float, lang: str) -> str:
    """As the dashboard writes a change (`fmtDiff`: Intl.NumberFormat rounds the shortest decimal of the float
    halves away from zero, so 0.625 is +0.63)."""
    size = Decimal(repr(abs(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{size:.2f}"
    text = text.replace(".", ",") if lang == "nl" else text
    return text if size == 0 else f"{'+' if x > 0 else MINUS}{text}"


def shown(f: dict[str, Any] | None) -> bool:
    return bool(f) and f["mean"] is not None and f["n"] is not None  # type: ignore[index]


def expected_dimensions(trend: dict[str, Any], readiness: dict[str, Any]) -> list[dict[str, Any]]:
    """The changes the readiness section may print: both waves show the dimension, and so does the readiness."""
    means = {d["key"]: d["mean"] for d in readiness["dimensions"]}
    if readiness["suppressed"] or any(w["suppressed"] for w in trend["waves"]):
        return []
    return [d["changes"][0] for d in trend["dimensions"] if all(shown(f) for f in d["waves"])
            and d["changes"][0]["difference"] is not None and means.get(d["key"]) is not None]


def expected_statements(items: dict[str, Any]) -> list[dict[str, Any]]:
    return [s["change"] for d in items["dimensions"] for s in d["statements"]
            if shown(s["current"]) and shown(s["previous"]) and s["change"] and s["change"]["difference"] is not None]


def section(text: str, start: str, end: str) -> str:
    a = text.find(start)
    assert a >= 0, start
    b = text.find(end, a + len(start))
    return text[a:b if b > 0 else len(text)]


def check(org: OrgContext, sid: str, lang: str, unit: str | None, folder: Path) -> tuple[int, int, str]:
    """The PDF of one scope against the JSON of the same scope: (readiness arrows, statement arrows, text)."""
    params: dict[str, Any] = {"lang": lang} | ({"unit_id": unit} if unit else {})
    text = pdf_text(report(org, sid, "board-report", **params).content, folder)
    trend = report(org, sid, "trend", **params).json()
    ready = report(org, sid, "readiness", **params).json()
    items = report(org, sid, "item-profile", **params).json()
    readiness_title, heatmap, statements, method = TITLES[lang]
    dims, stmts = expected_dimensions(trend, ready), expected_statements(items)
    ranked = section(text, readiness_title, heatmap if not ready["suppressed"] else method)
    assert len(ARROWS.findall(ranked)) == len(dims), (dims, ranked)
    for change in dims:
        assert signed(change["difference"], lang) in ranked, (change, ranked)
    if not ready["suppressed"]:
        listed = section(text, f"\n{statements}", method)
        assert len(ARROWS.findall(listed)) == len(stmts), (len(stmts), listed[:3000])
        flat = " ".join(listed.split())
        for change in stmts:
            assert signed(change["difference"], lang) in flat, change
    return len(dims), len(stmts), text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_arrows_only_where_both_waves_show_the_figure(org: OrgContext, tmp_path: Path, artifacts: Path,
                                                      lang: str) -> None:
    from tests.survey_factories import builtin_questionnaire

    openness = builtin_questionnaire(org)["dimensions"][0]["key"]
    survey_with_responses(org, Population(FIRST, seed=51, missing=0.0, blank={0: {openness: 4}}))
    later = survey_with_responses(org, Population(LATER, seed=52, missing=0.0))
    sid = later.id
    # the organisation: every dimension and statement shown in both waves, each with its arrow
    dims, stmts, text = check(org, sid, lang, None, tmp_path)
    assert dims == 5 and stmts > 20
    assert CLEAR[lang] in " ".join(text.split())  # the second wave was drawn higher: some change is clear
    pdf = report(org, sid, "board-report", lang=lang).content
    to_png(pdf, tmp_path, artifacts, f"board-arrows-{lang}-organisation")
    # Team 2: hidden in the first wave, shown now -- no arrow and no change anywhere
    team2 = later.units["Town/Care/Team 2"]
    assert report(org, sid, "trend", unit_id=team2).json()["waves"][0]["suppressed"]
    dims, stmts, text = check(org, sid, lang, team2, tmp_path)
    assert (dims, stmts) == (0, 0)
    assert report(org, sid, "profile", unit_id=team2).json()["dimensions"][0]["mean"] is not None  # shown now
    # Team 1: shown in both waves, but openness hidden in the first: arrows for the other dimensions only
    team1 = later.units["Town/Care/Team 1"]
    trend = report(org, sid, "trend", unit_id=team1).json()
    hidden = next(d for d in trend["dimensions"] if d["key"] == openness)
    assert not trend["waves"][0]["suppressed"] and hidden["waves"][0]["mean"] is None, hidden
    dims, stmts, text = check(org, sid, lang, team1, tmp_path)
    assert dims == 4 and stmts > 0
    pdf = report(org, sid, "board-report", lang=lang, unit_id=team1).content
    to_png(pdf, tmp_path, artifacts, f"board-arrows-{lang}-team")
