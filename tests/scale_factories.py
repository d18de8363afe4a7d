"""A questionnaire whose dimensions have scales of different widths (sharing 1..5, trying 1..7) with answers
imported for three teams, and the board report's heatmap colour computed here from its published figures: the
colour saturates at an eighth of each dimension's range (half a point on 1..5, 0.75 on 1..7)."""

from typing import Any

import numpy as np

from tests.factories import OrgContext
from tests.respond_factories import csv_upload
from tests.survey_factories import create_survey, questionnaire_body

SEVEN = {"min": 1, "max": 7, "labels": {"en": ["1", "2", "3", "4", "5", "6", "7"],
                                        "nl": ["1", "2", "3", "4", "5", "6", "7"]}}
ITEMS = {"sharing_1": 5, "sharing_2": 5, "sharing_3": 5, "trying_1": 7, "trying_2": 7}
TEAMS = {"Town/A": 0.0, "Town/B": 0.5, "Town/C": -0.4}  # each team's shift in points on every item


def mixed_questionnaire(org: OrgContext, key: str = "mixed-widths", **scale: Any) -> dict[str, Any]:
    body = questionnaire_body(key=key)
    body["dimensions"][1]["scale"] = {**SEVEN, **scale}
    created = org.admin.post(f"{org.prefix}/questionnaires", json=body)
    assert created.status_code == 201, created.text
    return dict(created.json())


def answers_csv(seed: int = 7, per_team: int = 9, tops: dict[str, int] | None = None) -> str:
    """Answers of `per_team` employees in each of TEAMS; `tops`: each item's highest answer (scales start at 1)."""
    rng = np.random.default_rng(seed)
    tops = tops or ITEMS
    lines = ["unit,layer," + ",".join(tops)]
    for unit, shift in TEAMS.items():
        for _ in range(per_team):
            values = [int(np.clip(np.rint(rng.normal((top + 1) / 2 + shift, 1.0)), 1, top)) for top in tops.values()]
            lines.append(f"{unit},employee," + ",".join(map(str, values)))
    return "\n".join(lines) + "\n"


def item_tops(q: dict[str, Any]) -> dict[str, int]:
    return {item["key"]: int(d["scale"]["max"]) for d in q["dimensions"] for item in d["items"]}


def mixed_survey(org: OrgContext, q: dict[str, Any], seed: int = 7, **survey: Any) -> str:
    """A survey on `q` with the answers of `answers_csv(seed)` imported, published."""
    sid = create_survey(org, questionnaire_id=q["id"], ask_desired=False, min_group_size=5, **survey)["id"]
    imported = org.admin.post(f"{org.prefix}/surveys/{sid}/responses/import", params={"unknown_units": "create"},
                              files=csv_upload(answers_csv(seed, tops=item_tops(q))))
    assert imported.status_code == 201, imported.text
    return str(sid)


def board_colour(diff: float, scale_min: int, scale_max: int) -> str:
    """The board report's cell colour: blue above, red below, full at an eighth of the range (60 % mixed)."""
    x = max(-1.0, min(1.0, diff / (0.125 * (scale_max - scale_min))))
    far = (33, 102, 172) if x > 0 else (178, 24, 43)
    r, g, b = (round(255 + (c - 255) * abs(x) * 0.6) for c in far)
    return f"rgb({r},{g},{b})"
