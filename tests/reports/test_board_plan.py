"""The board report's part from gap to action: the focus areas exactly as the `drivers` report gives them to the same
key (or the sentence why there are none: too few respondents, no outcome scale), the scope's actions per unit and
dimension as the actions list has them, and the comment themes only where the `comment-themes` report shows them
(a count below the threshold, or a group below it, prints no number). Read from the HTML the PDF is printed from,
and once from the printed PDF (tests/artifacts/board-plan-*.png)."""

import re
from decimal import ROUND_HALF_UP, Decimal
from html import escape, unescape
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.factories import OrgContext
from tests.report_factories import Population, survey_with_responses
from tests.reports.test_board_report import pdf_text, to_png
from tests.respond_factories import invite, submit
from tests.survey_factories import builtin_questionnaire, create_survey

# Town/Social has enough respondents for a driver analysis (50), Town/Space does not.
POP = [("Town/Social", "employee", 52, 0.0), ("Town/Social", "team_leader", 6, {"openness": 0.6}),
       ("Town/Space", "employee", 30, {"transparency": -0.5}), ("Town", "director", 5, 0.6)]
QUESTION = {"key": "share_knowledge", "texts": {"en": "What would help most to share knowledge in your team?",
                                                "nl": "Wat zou het meest helpen om kennis te delen in je team?"}}
WORDS = {"en": {"focus": "Where to start for knowledge sharing", "actions": "Action plan",
                "themes": "Themes in the comments", "few": "fewer than 5", "whole": "Whole organisation"},
         "nl": {"focus": "Waar te beginnen voor kennisdeling", "actions": "Actieplan",
                "themes": "Thema's in de opmerkingen", "few": "minder dan 5", "whole": "Hele organisatie"}}


def get(org: OrgContext, sid: str, name: str, **params: Any) -> Any:
    response = org.admin.get(f"{org.prefix}/surveys/{sid}/reports/{name}", params=params)
    assert response.status_code == 200, response.text
    return response


def board(org: OrgContext, sid: str, lang: str, **params: Any) -> str:
    return str(get(org, sid, "board-report", format="html", lang=lang, **params).text)


def section(html: str, title: str) -> str:
    """The section whose heading is `title` (its HTML, up to the next section)."""
    start = html.find(f"<h2>{escape(title)}</h2>")
    assert start >= 0, title
    return html[start:html.find("</section>", start)]


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def dashboard_round(x: float, digits: int) -> Decimal:
    """As the dashboard (Intl.NumberFormat) and the board report round: the shortest decimal of the float, halves
    away from zero."""
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def pct(share: float) -> str:
    return f"{dashboard_round(share * 100, 0):.0f}%"


def number(x: float, lang: str) -> str:
    out = f"{dashboard_round(x, 2):.2f}"
    return out if lang == "en" else out.replace(".", ",")


def percent(x: float, lang: str) -> str:
    out = f"{x * 100:.1f}%"
    return out if lang == "en" else out.replace(".", ",")


@pytest.fixture
def planned(org: OrgContext) -> dict[str, Any]:
    definition = builtin_questionnaire(org, version=None)
    wave = survey_with_responses(org, Population(POP, seed=5, missing=0.0), questionnaire=definition)
    url = f"{org.prefix}/surveys/{wave.id}/actions"
    item = definition["dimensions"][0]["items"][0]
    made = [org.admin.post(url, json=body) for body in (
        {"title": "Monthly 'what went wrong' lunch", "unit_id": wave.units["Town/Social"], "dimension_key": "openness",
         "item_key": item["key"], "owner_name": "A. de Vries", "due_date": "2027-03-31", "status": "in_progress"},
        {"title": "Explain decisions in the town meeting", "unit_id": wave.units["Town/Space"],
         "dimension_key": "transparency"},
        {"title": "Learning budget for every team", "dimension_key": "personal_initiative", "status": "done"})]
    assert all(m.status_code == 201 for m in made), [m.text for m in made]
    return {"wave": wave, "definition": definition, "item": item}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_focus_areas_and_actions_are_the_reports_own(org: OrgContext, planned: dict[str, Any], lang: str) -> None:
    wave, words = planned["wave"], WORDS[lang]
    html = board(org, wave.id, lang)
    drivers = get(org, wave.id, "drivers", lang=lang, resamples=0).json()
    focus = section(html, words["focus"])
    assert escape(drivers["focus"]["reading"][lang]) in focus
    share = {d["key"]: d["general_dominance"]["share"] for d in drivers["drivers"]}
    items = re.findall(r"<li><strong>([^<]+)</strong>([^<]*)", focus.split("</ol>")[0])
    assert [name for name, _ in items] == [escape(f["name"]) for f in drivers["focus"]["dimensions"]]
    weights = {d["key"]: d["general_dominance"] for d in get(org, wave.id, "drivers", lang=lang).json()["drivers"]}
    for (_, figures), f in zip(items, drivers["focus"]["dimensions"], strict=True):
        assert pct(share[f["key"]]) in figures
        weight = weights[f["key"]]  # the drivers report's own bootstrap interval (its default resamples and seed)
        low, value, high = (percent(x, lang) for x in (weight["ci"]["low"], weight["value"], weight["ci"]["high"]))
        assert f"{value} " in figures and f"{low} {'to' if lang == 'en' else 'tot'} {high})" in figures
        room = f"{f['room']:.1f}"
        assert (room if lang == "en" else room.replace(".", ",")) in plain(focus)
    for s in drivers["focus"]["statements"]:
        assert escape(s["text"]) in focus
    assert f"{drivers['n']} " in plain(focus)
    # the action plan: every action of the scope, per unit and dimension, as the actions list has them
    actions = plain(section(html, words["actions"]))
    listed = org.admin.get(f"{org.prefix}/surveys/{wave.id}/actions").json()
    assert len(listed) == 3
    for a in listed:
        assert escape(a["title"]) in section(html, words["actions"])
        assert a["dimension_names"][lang] in actions
    assert planned["item"]["texts"][lang] in actions and "A. de Vries" in actions and "2027-03-31" in actions
    assert ("in progress" if lang == "en" else "bezig") in actions and words["whole"] in actions
    # Town/Space: too few for a driver analysis (said, with the minimum), and only its own action
    space = board(org, wave.id, lang, unit_id=wave.units["Town/Space"])
    refused = get_refusal(org, wave.id, wave.units["Town/Space"])
    assert refused == "below_driver_minimum"
    space_focus = plain(section(space, words["focus"]))
    assert "50" in space_focus and "%" not in space_focus
    space_actions = plain(section(space, words["actions"]))
    assert "Explain decisions in the town meeting" in space_actions
    assert "Learning budget" not in space_actions and "what went wrong" not in space_actions


def get_refusal(org: OrgContext, sid: str, unit: str) -> str:
    response = org.admin.get(f"{org.prefix}/surveys/{sid}/reports/drivers", params={"unit_id": unit, "resamples": 0})
    assert response.status_code == 422, response.text
    return str(response.json()["errors"][0]["type"])


def test_a_unit_scoped_key_sees_its_own_subtrees_plan_only(org: OrgContext, planned: dict[str, Any]) -> None:
    wave = planned["wave"]
    social = wave.units["Town/Social"]
    scoped = org.client_for("analyst", social)
    html = scoped.get(f"{org.prefix}/surveys/{wave.id}/reports/board-report", params={"format": "html"}).text
    drivers = scoped.get(f"{org.prefix}/surveys/{wave.id}/reports/drivers", params={"resamples": 0}).json()
    assert escape(drivers["focus"]["reading"]["en"]) in section(html, "Where to start for knowledge sharing")
    actions = plain(section(html, "Action plan"))
    assert "what went wrong" in actions and "Explain decisions" not in actions and "Learning budget" not in actions


@pytest.fixture
def commented(org: OrgContext, http: httpx.Client) -> dict[str, Any]:
    """A closed wave of the version-1 questionnaire (no outcome scale; k 3, comment threshold 5): Big's 8 comments
    mostly about colleagues and feedback, Small's 2 (below the threshold)."""
    survey = create_survey(org, languages=["en", "nl"], min_group_size=3)
    prefix = f"{org.prefix}/surveys/{survey['id']}"
    assert org.admin.put(f"{prefix}/comment-settings", json={"questions": [QUESTION], "threshold": 5}
                         ).status_code == 200
    assert org.admin.post(f"{prefix}/open").status_code == 200
    units = org.tree({"Dept": {"Big": {}, "Small": {}}})
    for name, n in (("Big", 8), ("Small", 2)):
        for i, token in enumerate(invite(org, survey["id"], units[name], n)):
            text = f"{name} {i}: more time with colleagues" + (", honest feedback" if i % 2 == 0 else "")
            assert submit(http, token, {"openness_1": 4}, comments={"share_knowledge": text}).status_code == 201
    assert org.admin.post(f"{prefix}/close").status_code == 200
    return {"survey": survey, "units": units}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_comment_themes_only_where_the_themes_report_shows_them(org: OrgContext, commented: dict[str, Any],
                                                               lang: str) -> None:
    sid, words = commented["survey"]["id"], WORDS[lang]
    html = board(org, sid, lang)
    themes = get(org, sid, "comment-themes").json()
    assert themes["shown"] and any(t["count"] is None for t in themes["themes"])
    assert any(t["count"] is not None for t in themes["themes"])
    rows = re.findall(r"<tr><th>([^<]+)</th><td class=\"num\">(.*?)</td></tr>", section(html, words["themes"]))
    assert len(rows) == len(themes["themes"])
    for (_, cell), t in zip(rows, themes["themes"], strict=True):
        assert plain(cell) == (words["few"] if t["count"] is None else str(t["count"]))
    # no outcome scale: said; no actions yet: said
    assert "outcome scale" in plain(section(html, words["focus"])) or "uitkomstschaal" in plain(
        section(html, words["focus"]))
    assert "<table" not in section(html, words["actions"])
    # a group below the comment threshold: a sentence, no count
    small = board(org, sid, lang, unit_id=commented["units"]["Small"])
    report = get(org, sid, "comment-themes", unit_id=commented["units"]["Small"]).json()
    assert not report["shown"]
    small_themes = plain(section(small, words["themes"]))
    assert "5" in small_themes and not re.search(r"\b[0-4]\b|\b[6-9]\b", small_themes)
    assert "<table" not in section(small, words["themes"])


def test_a_hidden_comment_leaves_the_count_as_the_report_does(org: OrgContext, commented: dict[str, Any]) -> None:
    sid = commented["survey"]["id"]
    listed = get(org, sid, "comments").json()["comments"]
    for c in [c for c in listed if "honest" in c["text"]][:1]:
        assert org.admin.patch(f"{org.prefix}/surveys/{sid}/comments/{c['id']}", json={"hidden": True}
                               ).status_code == 200
    themes = {t["key"]: t["count"] for t in get(org, sid, "comment-themes").json()["themes"]}
    rows = dict(re.findall(r"<tr><th>([^<]+)</th><td class=\"num\">(.*?)</td></tr>",
                           section(board(org, sid, "en"), "Themes in the comments")))
    assert plain(rows["Openness"]) == ("fewer than 5" if themes["openness"] is None else str(themes["openness"]))
    assert themes["collegiality"] is not None and plain(rows["Collegiality"]) == str(themes["collegiality"])


def test_the_printed_report_has_the_sections_in_order(org: OrgContext, planned: dict[str, Any], tmp_path: Path,
                                                      artifacts: Path) -> None:
    wave = planned["wave"]
    pdf = get(org, wave.id, "board-report", lang="nl").content
    text = pdf_text(pdf, tmp_path)
    titles = ["Samenvatting: gereedheid", "Waar te beginnen voor kennisdeling", "Actieplan",
              "Thema's in de opmerkingen", "Heatmap"]
    positions = [text.find(t) for t in titles]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), list(zip(titles, positions, strict=True))
    assert "Deze meting stelde geen open vragen." in " ".join(text.split())
    assert to_png(pdf, tmp_path, artifacts, "board-plan-nl")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_next_wave_prints_what_the_previous_one_planned(org: OrgContext, planned: dict[str, Any], lang: str,
                                                            tmp_path: Path, artifacts: Path) -> None:
    """The later wave's board report lists the previous wave's actions with their units then and now, as
    `earlier-actions` gives them; a unit's report only its subtree's; the first wave none."""
    first = planned["wave"]
    title = {"en": "What the previous wave planned, before and after", "nl": "Wat de vorige meting plande, voor en na"}
    assert f"<h2>{escape(title[lang])}</h2>" not in board(org, first.id, lang)
    later = survey_with_responses(org, Population(POP, seed=6, missing=0.0), questionnaire=planned["definition"],
                                  title="Wave two")
    entries = org.admin.get(f"{org.prefix}/surveys/{later.id}/earlier-actions",
                            params={"lang": lang}).json()
    assert len(entries) == 3
    printed = section(board(org, later.id, lang), title[lang])
    rows = re.findall(r"<tr>(.*?)</tr>", printed.split("<tbody>")[1])
    statement_rows = re.findall(r'<tr class="statement">(.*?)</tr>', printed)
    assert len(rows) == 3 and len(statement_rows) == 1  # one action aims at a statement: its own row
    for row, entry in zip(rows, entries, strict=True):
        cells = [unescape(plain(c)) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        effect = entry["effect"]["dimension"]
        assert cells[1] == entry["action"]["title"] and cells[3] == effect["name"]
        for cell, wave in ((cells[4], effect["before"]), (cells[5], effect["after"])):
            assert cell == f"{number(wave['mean'], lang)} (n = {wave['n']})"
        diff = effect["change"]["difference"]
        assert cells[6].startswith(("+" if diff > 0 else "\u2212") + number(abs(diff), lang))
    assert entries[0]["effect"]["caveat"][lang] in unescape(plain(printed))
    space = section(board(org, later.id, lang, unit_id=later.units["Town/Space"]), title[lang])
    assert "Explain decisions in the town meeting" in space and "Learning budget" not in space
    if lang == "nl":  # printed: the section after the plan, its table within the page
        pdf = get(org, later.id, "board-report", lang=lang).content
        text = " ".join(pdf_text(pdf, tmp_path).split())
        assert text.find("Actieplan") < text.find(title[lang]) < text.find("Thema's in de opmerkingen")
        assert to_png(pdf, tmp_path, artifacts, "board-earlier-nl")
