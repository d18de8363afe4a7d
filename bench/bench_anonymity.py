"""What the anonymity protection costs in shown figures: ``python bench/bench_anonymity.py`` (``--trees 500``).

For the demo municipality (``app/demo.py``), a generated Dutch-style municipality of about 1,000 staff (a board, four
directorates, 25 departments, 120 teams of 3-15, managers attached to their department or directorate, 60-75%
response, 10% answering in English) and ``--trees`` random organisations (depth 2-4, teams of 1-15, random layers and
skipped statements), it builds each organisation in a fresh SQLite database, loads the latest wave as a report does
(``app.reports.context.build_context``: complete-case respondent sets, roll-up, suppression maps) and prints:

- the share of teams (units without sub-units that hold employees, or the bottom layer) with n >= k whose total is
  shown; the same for units without sub-units made only of leaders (a board: the reports list them as leadership
  units, not among the teams); and of inner units (departments, directorates) with n >= k;
- of all non-empty cells (unit x layer, unit totals, organisation), the share hidden per reason.

The issue's targets: >= 95% of teams with n >= k shown on the demo and the municipality, 100% of inner units.
``--json FILE`` writes the figures. Runs in a few minutes; nothing is timed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sqlalchemy import create_engine, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import app.models  # noqa: E402, F401  (every table known to the ORM)
from app.demo import build_demo  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.orgs import service as org_service  # noqa: E402
from app.orgs.models import Layer, Organisation  # noqa: E402
from app.questionnaires.models import Questionnaire  # noqa: E402
from app.questionnaires.service import BUILTIN_KEY, builtin_questionnaire_id, load_definition  # noqa: E402
from app.reports.anonymity import ALL  # noqa: E402
from app.reports.context import build_context  # noqa: E402
from app.reports.readiness import leaders_only  # noqa: E402
from app.responses.codec import pack  # noqa: E402
from app.responses.models import Response  # noqa: E402
from app.surveys.models import Survey, SurveyStatus  # noqa: E402
from app.units.models import Unit  # noqa: E402
from app.units.tree import load_tree  # noqa: E402


@dataclass
class Tally:
    teams: int = 0
    teams_shown: int = 0
    leadership: int = 0
    leadership_shown: int = 0
    inner: int = 0
    inner_shown: int = 0
    cells: int = 0
    hidden: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        self.teams += other.teams
        self.teams_shown += other.teams_shown
        self.leadership += other.leadership
        self.leadership_shown += other.leadership_shown
        self.inner += other.inner
        self.inner_shown += other.inner_shown
        self.cells += other.cells
        self.hidden.update(other.hidden)

    def summary(self) -> dict[str, object]:
        def share(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None
        return {"teams_n_ge_k": self.teams, "teams_shown": share(self.teams_shown, self.teams),
                "leadership_n_ge_k": self.leadership,
                "leadership_shown": share(self.leadership_shown, self.leadership),
                "inner_n_ge_k": self.inner, "inner_shown": share(self.inner_shown, self.inner),
                "cells": self.cells,
                "hidden_share": {r: share(n, self.cells) for r, n in sorted(self.hidden.items())}}


def measure(session: Session, survey: Survey) -> Tally:
    """The shares of one wave, from the report context a request would build."""
    organisation = session.get_one(Organisation, survey.organisation_id)
    tree = load_tree(session, organisation.id)
    ctx = build_context(session, organisation, survey, tree, None)
    smap, k, out = ctx.suppression, ctx.k, Tally()
    for unit in tree.units:
        n = smap.n(unit, ALL)
        if n >= k:
            if tree.children.get(unit):
                out.inner += 1
                out.inner_shown += smap.visible(unit, ALL)
            elif leaders_only(ctx, unit):
                out.leadership += 1
                out.leadership_shown += smap.visible(unit, ALL)
            else:
                out.teams += 1
                out.teams_shown += smap.visible(unit, ALL)
    for unit in [*tree.units, None]:
        for layer in [*(layer.id for layer in ctx.layers), ALL]:
            if smap.n(unit, layer) > 0:
                out.cells += 1
                reason = smap.reason(unit, layer)
                if reason:
                    out.hidden[reason] += 1
    return out


def _survey(session: Session, organisation: Organisation) -> Survey:
    # version 1 of the built-in questionnaire: the generated organisations' random answers (and so the organisations
    # drawn after them) stay those of the published figures; the maps depend on counts, not on the questionnaire
    version_1 = session.scalar(select(Questionnaire.id).where(Questionnaire.organisation_id.is_(None),
                                                              Questionnaire.key == BUILTIN_KEY,
                                                              Questionnaire.version == 1))
    definition = load_definition(session, version_1 or builtin_questionnaire_id(session))
    survey = Survey(organisation_id=organisation.id, questionnaire_id=definition.id, title="Wave",
                    languages=["nl", "en"], ask_desired=True, min_group_size=5, status=SurveyStatus.closed)
    session.add(survey)
    session.flush()
    return survey


def _respond(session: Session, survey: Survey, unit: Unit, layer: Layer, n: int, rng: np.random.Generator,
             english: float = 0.1, skip: float = 0.03) -> None:
    width = len(load_definition(session, survey.questionnaire_id).items)
    for _ in range(n):
        def frame() -> list[int | None]:
            values = rng.integers(1, 6, width)
            return [None if rng.random() < skip else int(v) for v in values]
        session.add(Response(survey_id=survey.id, unit_id=unit.id, layer_id=layer.id,
                             language="en" if rng.random() < english else "nl", source="import",
                             current=pack(frame()), desired=pack(frame()), published=True))


def _unit(session: Session, organisation: Organisation, name: str, parent: Unit | None) -> Unit:
    u = Unit(organisation_id=organisation.id, name=name, parent_id=parent.id if parent else None)
    session.add(u)
    session.flush()
    return u


def municipality(session: Session, rng: np.random.Generator) -> Survey:
    """About 1,000 staff: a board, four directorates, 25 departments, 120 teams of 3-15 people."""
    organisation = org_service.create_organisation(session, name=f"Gemeente {uuid.uuid4().hex[:6]}")
    layers = {layer.key: layer for layer in session.scalars(select(Layer).where(
        Layer.organisation_id == organisation.id))}
    survey = _survey(session, organisation)
    rate = rng.uniform(0.60, 0.75)

    def answered(n: int) -> int:
        return int(rng.binomial(n, rate))

    board = _unit(session, organisation, "Bestuur", None)
    _respond(session, survey, board, layers["executive_board"], answered(6), rng)
    _respond(session, survey, board, layers["director"], answered(4), rng)
    departments = np.array_split(np.arange(25), 4)
    teams = np.array_split(np.arange(120), 25)
    for d, ids in enumerate(departments):
        directorate = _unit(session, organisation, f"Directie {d + 1}", None)
        _respond(session, survey, directorate, layers["director"], answered(1), rng)
        for dep in ids:
            department = _unit(session, organisation, f"Afdeling {dep + 1}", directorate)
            _respond(session, survey, department, layers["department_head"], answered(int(rng.integers(1, 3))), rng)
            for t in teams[dep]:
                team = _unit(session, organisation, f"Team {t + 1}", department)
                size = int(rng.integers(3, 16))
                _respond(session, survey, team, layers["team_leader"], answered(1), rng)
                _respond(session, survey, team, layers["employee"], answered(size - 1), rng)
    session.flush()
    return survey


def random_tree(session: Session, rng: np.random.Generator) -> Survey:
    """Depth 2-4, 1-5 children per unit, teams of 1-15 respondents, leaders scattered over the inner units."""
    organisation = org_service.create_organisation(session, name=f"Random {uuid.uuid4().hex[:8]}")
    layers = list(session.scalars(select(Layer).where(Layer.organisation_id == organisation.id)
                                  .order_by(Layer.rank)))
    survey = _survey(session, organisation)
    depth = int(rng.integers(2, 5))

    def grow(parent: Unit | None, level: int) -> None:
        for i in range(int(rng.integers(1, 6)) if level < depth else 0):
            unit = _unit(session, organisation, f"U{level}.{i}", parent)
            if level + 1 < depth and rng.random() < 0.8:
                leaders = int(rng.integers(0, 4))
                _respond(session, survey, unit, layers[min(level + 1, len(layers) - 2)], leaders, rng,
                         skip=float(rng.uniform(0, 0.08)))
                grow(unit, level + 1)
            else:
                _respond(session, survey, unit, layers[-2], int(rng.integers(0, 2)), rng)
                _respond(session, survey, unit, layers[-1], int(rng.integers(1, 15)), rng,
                         english=float(rng.uniform(0, 0.3)), skip=float(rng.uniform(0, 0.08)))

    grow(None, 0)
    session.flush()
    return survey


def run(trees: int, seed: int) -> dict[str, object]:
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        engine = create_engine(url)
        with Session(engine) as session:
            build_demo(session, np.random.default_rng(2026))
            demo = session.scalars(select(Survey).where(Survey.title == "Meting 2026")).one()
            results["demo"] = measure(session, demo).summary()
            results["municipality"] = measure(session, municipality(session, np.random.default_rng(seed))).summary()
            total = Tally()
            rng = np.random.default_rng(seed + 1)
            for _ in range(trees):
                total.add(measure(session, random_tree(session, rng)))
            results[f"{trees} random trees"] = total.summary()
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trees", type=int, default=500, help="random organisations (default 500)")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args()
    results = run(args.trees, args.seed)
    print("| organisation | teams n>=k | shown | leaders-only units n>=k | shown | inner units n>=k | shown | cells | "
          "hidden: below_minimum | protects_smaller_group | not_published |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        assert isinstance(r, dict)
        hidden = r["hidden_share"]
        assert isinstance(hidden, dict)

        def pct(x: object) -> str:
            return "-" if x is None else f"{100 * float(x):.1f}%"  # type: ignore[arg-type]
        print(f"| {name} | {r['teams_n_ge_k']} | {pct(r['teams_shown'])} | {r['leadership_n_ge_k']} | "
              f"{pct(r['leadership_shown'])} | {r['inner_n_ge_k']} | "
              f"{pct(r['inner_shown'])} | {r['cells']} | {pct(hidden.get('below_minimum', 0))} | "
              f"{pct(hidden.get('protects_smaller_group', 0))} | {pct(hidden.get('not_published', 0))} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
