"""The demo organisation that `make run` loads into an empty database."""

import re

import numpy as np

from tests.factories import client


def test_demo_builds_a_realistic_organisation(database_url, server_url):
    from app.db import get_sessionmaker
    from app.demo import build_demo

    with get_sessionmaker().begin() as session:
        lines = build_demo(session, np.random.default_rng(7), base_url=server_url)
    text = "\n".join(lines)
    admin_key = re.search(r"Organisation admin key:\s+(cgk_\S+)", text).group(1)
    analyst_key = re.search(r"Analyst key for Directie Ruimte only:\s+(cgk_\S+)", text).group(1)
    org_id = re.search(r"\(id ([0-9a-f-]{36})\)", text).group(1)
    prefix = f"/api/v1/organisations/{org_id}"
    with client(server_url, admin_key) as admin, client(server_url, analyst_key) as analyst:
        units = admin.get(f"{prefix}/units").json()
        assert len(units) >= 30 and max(u["depth"] for u in units) == 2
        surveys = {s["title"]: s for s in admin.get(f"{prefix}/surveys").json()}
        assert {s["status"] for s in surveys.values()} == {"open", "closed"}
        export = admin.get(f"{prefix}/surveys/{surveys['Meting 2025']['id']}/responses/export")
        assert export.status_code == 200
        assert len(export.text.strip().splitlines()) > 150
        latest = f"{prefix}/surveys/{surveys['Meting 2026']['id']}/reports"
        drivers = admin.get(f"{latest}/drivers")  # the demo answers version 2: the outcome scale is there
        assert drivers.status_code == 200, drivers.text
        report = drivers.json()
        # those complete on all 30 statements (3 % of answers are missing: about 40 % of the respondents)
        assert report["n"] >= 50 and report["drivers"][0]["key"] == "openness", report["drivers"]
        assert report["focus"]["room_basis"] == "desired_gap" and report["focus"]["statements"]
        assert [len(admin.get(f"{latest}/readiness").json()["dimensions"])] == [5]
        # last year's plan, and this year's view of it: each action's unit before and after
        waves = {title: f"{prefix}/surveys/{s['id']}" for title, s in surveys.items()}
        assert [len(admin.get(f"{waves[title]}/actions").json()) for title in ("Meting 2025", "Meting 2026")] == [3, 1]
        earlier = admin.get(f"{waves['Meting 2026']}/earlier-actions").json()
        assert len(earlier) == 3 and all(e["effect"]["after_survey_id"] == surveys["Meting 2026"]["id"]
                                         for e in earlier)
        assert all(e["effect"]["dimension"]["change"]["difference"] is not None for e in earlier)
        assert [e["action"]["title"] for e in analyst.get(f"{waves['Meting 2026']}/earlier-actions").json()] \
            == ["Besluiten van de directie toelichten in elk teamoverleg"]
        ruimte = analyst.get(f"{latest}/drivers")  # a directorate of ~100 has fewer than 50 complete ones
        assert ruimte.status_code == 422 and ruimte.json()["errors"][0]["type"] == "below_driver_minimum"
        scoped = analyst.get(f"{prefix}/units").json()
        assert scoped[0]["name"] == "Directie Ruimte" and all(u["path"][0] == "Directie Ruimte" for u in scoped)
        link = next(line.strip() for line in lines if "/respond#" in line)
        token = link.split("#", 1)[1]
        with client(server_url, "unused") as anonymous:
            form = anonymous.get("/api/v1/respond", headers={"X-Survey-Token": token, "Authorization": ""})
        assert form.status_code == 200, form.text
