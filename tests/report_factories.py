"""Surveys with synthetic responses for report tests, loaded through the real CSV import."""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tests.factories import OrgContext
from tests.respond_factories import item_keys
from tests.survey_factories import builtin_questionnaire, create_survey

DIMENSIONS = ["openness", "collegiality", "transparency", "diversity", "personal_initiative"]


@dataclass
class Population:
    """How many respondents of which layer answer in which unit, and how they lean.

    `groups`: (unit path, layer key, n, shift) — the shift moves every latent dimension score (or pass a dict of
    dimension -> shift). Units are created from the paths.

    `blank`: per group (its index in `groups`), {dimension or item key: how many of the group's first respondents
    leave it empty}, in both frames (`<key>:desired`: in the desired frame only); the answers are drawn as usual
    first, so nothing else changes."""

    groups: list[tuple[str, str, int, float | dict[str, float]]]
    desired_gap: float = 0.8
    seed: int = 1
    missing: float = 0.02
    blank: dict[int, dict[str, int]] = field(default_factory=dict)


@dataclass
class SurveyWithData:
    survey: dict[str, Any]
    units: dict[str, str] = field(default_factory=dict)  # path -> id
    rows: list[dict[str, str]] = field(default_factory=list)  # what was imported

    @property
    def id(self) -> str:
        return str(self.survey["id"])


def answers_csv(org: OrgContext, population: Population, *, ask_desired: bool,
                definition: dict[str, Any] | None = None) -> tuple[str, list[dict[str, str]]]:
    """Answers of the population to `definition` (the built-in questionnaire's version 1 when left out)."""
    if definition is None:
        definition = builtin_questionnaire(org)
        keys = item_keys(org)
    else:
        items = [i for d in definition["dimensions"] for i in d["items"]]
        keys = [i["key"] for i in sorted(items, key=lambda i: i["position"])]
    reverse = {i["key"]: i["reverse"] for d in definition["dimensions"] for i in d["items"]}
    dim_of = {i["key"]: d["key"] for d in definition["dimensions"] for i in d["items"]}
    rng = np.random.default_rng(population.seed)
    header = ["unit", "layer", *keys, *([f"{k}:desired" for k in keys] if ask_desired else [])]
    rows: list[dict[str, str]] = []
    for group, (path, layer, n, shift) in enumerate(population.groups):
        blank = population.blank.get(group, {})
        for person_index in range(n):
            person = rng.normal(0, 0.5)
            row = {"unit": path, "layer": layer}
            for key in keys:
                s = shift.get(dim_of[key], 0.0) if isinstance(shift, dict) else shift
                for frame, extra in (("", 0.0), (":desired", population.desired_gap)):
                    if frame and not ask_desired:
                        continue
                    value = int(np.clip(np.rint(3.2 + s + extra + person + rng.normal(0, 0.7)), 1, 5))
                    if reverse[key]:
                        value = 6 - value
                    row[key + frame] = "" if rng.random() < population.missing else str(value)
                    if person_index < max(blank.get(key, 0), blank.get(dim_of[key], 0),
                                           blank.get(key + frame, 0) if frame else 0,
                                           blank.get(dim_of[key] + frame, 0) if frame else 0):
                        row[key + frame] = ""
            rows.append(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue(), rows


def survey_with_responses(org: OrgContext, population: Population, *, ask_desired: bool = True,
                          min_group_size: int = 5, questionnaire: dict[str, Any] | None = None,
                          **survey: Any) -> SurveyWithData:
    """A survey of the built-in questionnaire (or `questionnaire`, a full definition), its units created from the
    population's paths, answers imported."""
    if questionnaire is not None:
        survey["questionnaire_id"] = questionnaire["id"]
    created = create_survey(org, ask_desired=ask_desired, min_group_size=min_group_size, **survey)
    text, rows = answers_csv(org, population, ask_desired=ask_desired, definition=questionnaire)
    response = org.admin.post(f"{org.prefix}/surveys/{created['id']}/responses/import",
                              params={"unknown_units": "create"}, files={"file": ("r.csv", text.encode(), "text/csv")})
    assert response.status_code == 201, response.text
    units = {"/".join(u["path"]): u["id"] for u in org.admin.get(f"{org.prefix}/units").json()}
    return SurveyWithData(created, units, rows)
