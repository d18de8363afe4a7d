"""The board report shows the figures the dashboard shows (a user's walkthrough found it did not): on the demo
municipality, wave "Meting 2026", each perception gap is the one the dashboard takes from the perception-gaps report
(`verdictOf`, dashboard-findings.js: the mixed model's difference, the teams taken into account, where
`verdict_test` is `mixed_model`, else the plain difference of the means), rounded as the dashboard rounds, in the
readiness summary's largest gaps and in the perception section, in English and Dutch, for the whole organisation and
for a directorate (all leaders together); the report says which figure it is. Read from the HTML the PDF is printed
from (`format=html`), so no printer is needed."""

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
import pytest

from app.reports.board.html import Writer

WAVE = "Meting 2026"
TEAMS = {"en": "Taking the teams into account", "nl": "Rekening houdend met de teams"}  # dashboard-models.js
SECTIONS = {"en": ("Readiness summary", "Largest perception gaps", "Perception gaps between layers", "Room to grow"),
            "nl": ("Samenvatting: gereedheid", "Grootste perceptieverschillen", "Perceptieverschillen tussen lagen",
                   "Ruimte om te groeien")}
POOLED = {"en": "All leaders together", "nl": "Alle leidinggevenden samen"}
VERSUS = {"en": "versus", "nl": "tegenover"}


@dataclass(frozen=True)
class Demo:
    http: httpx.Client
    prefix: str
    survey_id: str
    units: dict[str, str]

    def report(self, name: str, **query: Any) -> httpx.Response:
        response = self.http.get(f"{self.prefix}/surveys/{self.survey_id}/reports/{name}", params=query)
        assert response.status_code == 200, response.text
        return response


@pytest.fixture(scope="module")
def demo(server_url: str) -> Iterator[Demo]:
    """The demo organisation (`app.demo.build_demo`, as `make run` loads it and the e2e tests do)."""
    import numpy as np

    from app.db import get_sessionmaker
    from app.demo import build_demo

    with get_sessionmaker().begin() as session:
        text = "\n".join(build_demo(session, np.random.default_rng(2026), base_url=server_url))
    org = re.search(r"\(id ([0-9a-f-]{36})\)", text)
    key = re.search(r"Organisation admin key:\s+(cgk_\S+)", text)
    assert org and key, text
    prefix = f"/api/v1/organisations/{org.group(1)}"
    with httpx.Client(base_url=server_url, timeout=120, headers={"Authorization": f"Bearer {key.group(1)}"}) as http:
        survey = next(s for s in http.get(f"{prefix}/surveys").json() if s["title"] == WAVE)
        units = {u["name"]: u["id"] for u in http.get(f"{prefix}/units").json()}
        yield Demo(http, prefix, survey["id"], units)


def dashboard_figure(d: dict[str, Any]) -> float | None:
    """The difference the dashboard shows for a gap (`verdictOf`, dashboard-findings.js)."""
    m = d["mixed_model"] if d["verdict_test"] == "mixed_model" else None
    return m["difference"] if m else d["difference"]


def as_dashboard(x: float, lang: str) -> str:
    """`fmtDiff` (dashboard-dom.js): Intl.NumberFormat, two decimals, sign except on zero, a real minus; Intl rounds
    the shortest decimal of the float halves away from zero (Chromium: 0.345 -> 0.35, 3.125 -> 3.13)."""
    size = Decimal(repr(abs(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{size:.2f}".replace(".", "," if lang == "nl" else ".")
    return text if size == 0 else ("+" if x > 0 else "\u2212") + text


def plain_text(page: str) -> str:
    """The page as lines of text: a table row per line, its cells separated by " | "."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    page = re.sub(r"</(p|li|tr|h2|h3|section|table)>", "\n", page)
    page = re.sub(r"</t[hd]>", " | ", page)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def between(text: str, start: str, end: str) -> str:
    a = text.index(start)
    return text[a:text.index(end, a)]


def table_figures(section: str, title: str) -> dict[str, str]:
    """A comparison's table in the perception section: dimension name -> its first cell."""
    block = section[section.index(f"{title}\n"):]
    rows: dict[str, str] = {}
    for line in block.splitlines()[2:]:  # the title, the header row
        cells = [c.strip() for c in line.split(" | ")]
        if len(cells) < 2:
            break
        rows[cells[0]] = cells[1]
    return rows


def check_comparison(section: str, title: str, comparison: dict[str, Any], lang: str) -> int:
    """Every shown dimension of the comparison with the dashboard's figure; how many differ from the plain one."""
    rows = table_figures(section, title)
    differ = 0
    for d in comparison["dimensions"]:
        figure = dashboard_figure(d)
        if figure is None:
            continue
        assert rows[d["name"]] == as_dashboard(figure, lang), (title, d["name"], rows[d["name"]], figure)
        differ += as_dashboard(figure, lang) != as_dashboard(d["difference"], lang)
    return differ


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_board_report_shows_the_dashboards_perception_gaps(demo: Demo, lang: str) -> None:
    readiness_title, gaps_title, perception_title, room_title = SECTIONS[lang]
    text = plain_text(demo.report("board-report", lang=lang, format="html").text)
    # the readiness summary's largest gaps: the readiness report's highlights, as the dashboard's summary shows them
    highlights = demo.report("readiness", lang=lang).json()["perception_gaps"]
    assert highlights
    block = between(text, f"{gaps_title}\n", "\n" + {"en": "Most ready teams", "nl": "Meest klaar"}[lang])
    differ = 0
    for h in highlights:
        f = h["figures"]
        line = next(x for x in block.splitlines() if x.startswith(f"{h['a']['name']} \u00b7 {f['name']} "))
        figure = line.split(" ")[len(f"{h['a']['name']} \u00b7 {f['name']}".split(" "))]
        assert figure == as_dashboard(dashboard_figure(f), lang), (line, f["difference"], f["mixed_model"])
        differ += as_dashboard(dashboard_figure(f), lang) != as_dashboard(f["difference"], lang)
        if f["verdict_test"] == "mixed_model":  # the sentence is the model's, and says so
            assert TEAMS[lang] in line, line
    assert differ, "the demo's highlights should include a gap whose adjusted and plain figures differ"
    assert TEAMS[lang] in block  # which figure it is, said under the list
    # the perception section: each comparison the perception-gaps report gives, with the same figures
    section = between(text, f"{perception_title}\n", f"{room_title}")
    gaps = demo.report("perception-gaps", lang=lang).json()
    shown = [c for c in gaps["comparisons"] if not c["suppressed"]]
    assert shown and sum(check_comparison(section, f"{c['a']['name']} {VERSUS[lang]} {c['b']['name']}", c, lang)
                         for c in shown)
    assert TEAMS[lang] in section
    assert readiness_title in text


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_all_leaders_together_in_a_directorate(demo: Demo, lang: str) -> None:
    unit = demo.units["Directie Ruimte"]
    single = demo.report("perception-gaps", lang=lang, unit_id=unit).json()
    assert any(c["suppressed"] for c in single["comparisons"])  # the case: single layers hidden here
    pooled = demo.report("perception-gaps", lang=lang, unit_id=unit, a="executive_board,director,department_head,"
                         "team_leader", b="employee").json()["comparisons"][0]
    assert not pooled["suppressed"]
    text = plain_text(demo.report("board-report", lang=lang, unit_id=unit, format="html").text)
    section = between(text, f"{SECTIONS[lang][2]}\n", SECTIONS[lang][3])
    check_comparison(section, f"{POOLED[lang]} {VERSUS[lang]} {pooled['b']['name']}", pooled, lang)
    # the summary's largest gaps of all leaders together: the dashboard's three largest |Hedges' g|
    top = sorted((d for d in pooled["dimensions"] if d["hedges_g"] is not None), key=lambda d: -abs(d["hedges_g"]))
    block = between(text, f"{SECTIONS[lang][1]}\n", "\n" + {"en": "Most ready teams", "nl": "Meest klaar"}[lang])
    for d in top[:3]:
        assert f"{POOLED[lang]} \u00b7 {d['name']} {as_dashboard(dashboard_figure(d), lang)} " in block, block


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_response_rates_list_layers_under_layer(demo: Demo, lang: str) -> None:
    text = plain_text(demo.report("board-report", lang=lang, format="html").text)
    rates = demo.report("response-rates", level="children").json()
    layer, unit = {"en": ("Layer", "Unit"), "nl": ("Laag", "Onderdeel")}[lang]
    tables = between(text, {"en": "Response rates\n", "nl": "Respons\n"}[lang], SECTIONS[lang][0])
    heads = [line.split(" | ")[0] for line in tables.splitlines() if " | " in line and "%" not in line
             and line.split(" | ")[1] in ("Invited", "Uitgenodigd")]
    assert heads == [unit, layer]
    names = {x["key"]: x["names"][lang] for x in demo.http.get(f"{demo.prefix}/layers").json()}
    unit_rows, layer_rows = tables.split(f"\n{layer} | ")
    assert rates["layers"] and rates["units"]
    for r in rates["layers"]:
        assert f"\n{names[r['group']['layer_key']]} | " in layer_rows and f"\n{names[r['group']['layer_key']]} | " \
            not in unit_rows
    assert all(f"\n{r['group']['unit_name']} | " in unit_rows for r in rates["units"])
    assert ("(Amsterdam time). " if lang == "en" else "(Nederlandse tijd). ") in text


@pytest.mark.parametrize(("x", "lang", "signed", "written"), [
    (3.125, "en", False, "3.13"), (0.345, "en", True, "+0.35"), (1.005, "en", False, "1.01"),
    (-0.125, "nl", True, "\u22120,13"), (-0.001, "en", True, "0.00"), (2.675, "en", False, "2.68")])
def test_figures_are_rounded_as_the_dashboard_rounds(x: float, lang: str, signed: bool, written: str) -> None:
    """What Chromium's Intl.NumberFormat writes for these (the dashboard's `fmt` and `fmtDiff`)."""
    assert Writer(lang, 5, (1, 5)).num(x, signed=signed) == written  # type: ignore[arg-type]
    assert [Writer("en", 5, (1, 5)).pct(p) for p in (0.125, 0.845, 0.285)] == ["13%", "85%", "28%"]
