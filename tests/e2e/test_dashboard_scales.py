"""The dashboard on a questionnaire whose dimensions have their own scales (1..5 and 0..4), in a real Chromium:
the readiness panel gives each team's index as a share of the way up each scale and says so, with the API's
figures; the heatmap (1..5 beside 1..7) colours each cell by its difference as a share of its dimension's range.
Screenshots: tests/artifacts/dashboard-scales-readiness.png, dashboard-scales-heatmap.png."""

import gzip
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP
from tests.e2e.dashboard_helpers import heat_row, sign_in
from tests.factories import OrgContext
from tests.respond_factories import csv_upload
from tests.scale_factories import mixed_questionnaire, mixed_survey
from tests.stats.helpers import REFERENCE
from tests.survey_factories import open_survey, questionnaire_body

pytestmark = pytest.mark.browser

TRYING = {"min": 0, "max": 4, "labels": {"en": ["None", "A little", "Some", "Much", "Very much"],
                                         "nl": ["Geen", "Een beetje", "Enigszins", "Veel", "Heel veel"]}}


def test_readiness_index_on_two_scales(org: OrgContext, open_tab: Any, artifacts: Path) -> None:
    body = questionnaire_body(key="two-scales")
    body["dimensions"][1]["scale"] = TRYING
    q = org.admin.post(f"{org.prefix}/questionnaires", json=body).json()
    sid = open_survey(org, questionnaire_id=q["id"], ask_desired=False, min_group_size=5)["id"]
    with gzip.open(REFERENCE / "dimension_scales.csv.gz", "rt", encoding="utf-8") as f:
        text = f.read()
    imported = org.admin.post(f"{org.prefix}/surveys/{sid}/responses/import", params={"unknown_units": "create"},
                              files=csv_upload(text))
    assert imported.status_code == 201, imported.text
    assert org.admin.post(f"{org.prefix}/surveys/{sid}/close").status_code == 200
    readiness = org.admin.get(f"{org.prefix}/surveys/{sid}/reports/readiness").json()
    assert readiness["metric"] == "pomp"
    [most] = readiness["most_ready_teams"]
    page = open_tab("en-GB", LAPTOP).page
    page.goto("/dashboard?key")
    sign_in(page, org.key())
    panel = page.locator("#panel-readiness")
    expect(panel).to_contain_text("how far up each dimension's own scale the team scores on average")
    block = panel.locator(".summary-block").filter(has_text="Most ready teams")
    expect(block.locator(".summary-name")).to_have_text([most["group"]["unit_name"]])
    expect(block.locator(".summary-figure")).to_have_text([f"{round(most['index'] * 100)}%"])
    points = f"+{round(most['difference'] * 100)} percentage points vs the rest of the organisation"
    expect(block.locator(".summary-detail").last).to_contain_text(points)
    panel.screenshot(path=str(artifacts / "dashboard-scales-readiness.png"))


# The dashboard's diverging ramp (dashboard-dom.js: ColorBrewer RdBu, 9 classes), saturating at an eighth of the range.
RDBU = ["#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac"]


def ramp(diff: float, scale_min: int, scale_max: int) -> str:
    span = 0.125 * (scale_max - scale_min)
    t = min(1.0, max(0.0, (diff + span) / (2 * span))) * 8
    i = min(7, int(t))
    a, b = ([int(h[k:k + 2], 16) for k in (1, 3, 5)] for h in (RDBU[i], RDBU[i + 1]))
    r, g, bl = (int(x + (y - x) * (t - i) + 0.5) for x, y in zip(a, b, strict=True))
    return f"rgb({r}, {g}, {bl})"


def test_heatmap_colours_follow_each_dimensions_range(org: OrgContext, open_tab: Any, artifacts: Path) -> None:
    q = mixed_questionnaire(org)
    sid = mixed_survey(org, q)
    assert org.admin.post(f"{org.prefix}/surveys/{sid}/open").status_code == 200
    assert org.admin.post(f"{org.prefix}/surveys/{sid}/close").status_code == 200
    heat = org.admin.get(f"{org.prefix}/surveys/{sid}/reports/heatmap", params={"level": "tree"}).json()
    page = open_tab("en-GB", LAPTOP).page
    page.goto("/dashboard?key")
    sign_in(page, org.key())
    panel = page.locator("#panel-heatmap")
    expect(panel.locator("td.heat-cell").first).to_be_visible()
    expect(panel.locator(".panel-lead")).to_contain_text("on its dimension's own scale")
    expect(page.locator("#panel-profile .panel-lead")).to_contain_text("each on its dimension's own scale")
    expect(panel.locator(".heat-legend-end").first).to_have_text("\u221212.5% of each dimension's scale lower")
    partial = 0
    for row in heat["rows"]:
        cells = heat_row(page, row["group"]["unit_name"]).locator("td.heat-cell")
        expect(cells).to_have_count(len(heat["columns"]))
        for i, (column, figure) in enumerate(zip(heat["columns"], row["cells"], strict=True)):
            diff = figure["diff_from_organisation"]
            colour = cells.nth(i).evaluate("(td) => getComputedStyle(td).backgroundColor")
            assert colour == ramp(diff, column["scale_min"], column["scale_max"]), (row["group"]["unit_name"], i)
            if column["scale_max"] == 7 and 0.05 < abs(diff) < 0.75:  # half a point would have saturated sooner
                partial += 1
                assert colour != ramp(diff * 6 / 4, 1, 7)
    assert partial >= 1
    panel.screenshot(path=str(artifacts / "dashboard-scales-heatmap.png"))


def test_trend_reads_each_dimension_against_its_last_comparable_wave(org: OrgContext, open_tab: Any) -> None:
    """trying on 1..7, then 0..4, then 1..7 again: the trend panel marks the middle wave's trying as asked on another
    scale, draws trying's change from the first wave, and says why in a sentence (the API's)."""
    four = {"min": 0, "max": 4, "labels": {"en": list("abcde"), "nl": list("abcde")}}
    versions = [mixed_questionnaire(org, key="changing"), mixed_questionnaire(org, key="changing", **four),
                mixed_questionnaire(org, key="changing")]
    ids = []
    for i, q in enumerate(versions):
        sid = mixed_survey(org, q, seed=i, title=f"Wave {i + 1}")
        assert org.admin.post(f"{org.prefix}/surveys/{sid}/open").status_code == 200
        assert org.admin.post(f"{org.prefix}/surveys/{sid}/close").status_code == 200
        ids.append(sid)
    report = org.admin.get(f"{org.prefix}/surveys/{ids[2]}/reports/trend",
                           params={"surveys": f"{ids[0]},{ids[1]}"}).json()
    trying = next(d for d in report["dimensions"] if d["key"] == "trying")
    change = next(c for c in trying["changes"] if c["kind"] == "first_to_last")
    page = open_tab("en-GB", LAPTOP).page
    page.goto("/dashboard?key")
    sign_in(page, org.key())
    panel = page.locator("#panel-trend")
    expect(panel.locator(".trend-comparison")).to_have_text([trying["comparison"]["en"]])
    panel.locator("details.table-toggle summary").first.click()
    row = panel.locator("table tr").filter(has=page.locator("td, th", has_text="Trying")).first
    expect(row).to_contain_text("asked on another scale")
    sign = "+" if change["difference"] > 0 else "\u2212"
    expect(row).to_contain_text(f"{sign}{abs(change['difference']):.2f}")
