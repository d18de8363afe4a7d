"""Reading every report in every variant, over real HTTP, with the admin key and with unit-scoped keys.

Variants: every report route of `app/reports` (profile, item-profile, drivers, breakdown, heatmap, data-quality,
response-rates, perception-gaps, team-gaps, desired-gap, agreement, trend, readiness) of both waves, and the before
and after of an action of every scope in the earlier wave (`.../actions/{id}/effect`), at every scope (the
organisation and every unit), every level, grouping, reference layer, a few sets of layers, ranking, both
languages, JSON and CSV. The blind-spot report needs a leader's named self-assessment and is not read.
The raw export of the published responses (`responses/export`: CSV in both dialects, and the workbook): its groups of
rows, their answers, and those of each class of rows that left out the same dimensions (`figures.raw_export`); and its
long shape (one row per respondent, dimension and frame), each block's answers.
Comments: the comments of every scope, of each layer, of each open question (and of a layer's answers to one),
the hidden ones too (the admin), the theme counts, with the admin key and the unit-scoped keys; and the
k-anonymous comment export (CSV, both dialects, and the workbook), whose rows are checked against the truth
(`export_problems`).

The JSON answers become observations (`tests.attack.figures`). A CSV answer (either dialect: `rfc4180` or Dutch
Excel's `excel-nl`, semicolons and decimal commas) is checked against its JSON twin: every number in it must be a
number of the JSON answer as the CSV rounds it (`tests.tables.unknown_numbers`: so the CSV publishes nothing the
JSON does not); one that is not is reported as a CSV-only figure.
"""

import io
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from tests.attack.figures import (
    COMMENT_ROLLUP,
    Obs,
    Who,
    comment_export,
    comment_rollups,
    observations,
    raw_export,
    raw_export_groups,
    raw_export_long,
    rollups,
)
from tests.attack.world import LAYERS, QUESTIONS, World
from tests.tables import csv_rows, unknown_numbers, xlsx_sheets

CSV_REPORTS = {"profile", "item-profile", "drivers", "breakdown", "heatmap", "response-rates", "perception-gaps",
               "team-gaps", "desired-gap", "agreement", "trend", "readiness"}
COMMENT_REPORTS = {"comments", "comment-themes"}  # no language, no CSV of their own (the export is their table)


@dataclass
class Reading:
    index: int
    moment: int
    obs: list[Obs] = field(default_factory=list)
    bodies: dict[str, Any] = field(default_factory=dict)  # source -> JSON answer
    rollups: dict[tuple[str, int, bool | str], dict[str, str | None]] = field(default_factory=dict)
    csv_only: list[str] = field(default_factory=list)
    export_problems: list[str] = field(default_factory=list)
    requests: int = 0
    published_at: dict[str, str | None] = field(default_factory=dict)  # wave -> its last publication (public)


def variants(world: World, wave: str, scope: str | None) -> Iterator[tuple[str, dict[str, str]]]:
    """Every report's parameter combinations at one scope (`unit_id` added by the caller)."""
    later = world.waves.index(wave) > 0
    yield "profile", {}
    yield "item-profile", {}
    yield "item-profile", {"level": "children"}  # every child unit's statements in one answer
    yield "drivers", {"resamples": "20"}  # a 422 where the scope is below the driver minimum (most scopes here)
    for by in ("unit", "layer", "unit_layer"):
        for level in ("children", "teams"):
            yield "breakdown", {"by": by, "level": level}
    yield "heatmap", {"level": "tree"}
    for level in ("children", "teams"):
        yield "heatmap", {"level": level}
        yield "response-rates", {"level": level}
        yield "team-gaps", {"level": level}
        yield "agreement", {"level": level}
        yield "agreement", {"level": level, "pairs": "all"}
    yield "response-rates", {"level": "subtree"}  # the console's tree: every unit below the scope at once
    yield "data-quality", {}
    yield "perception-gaps", {}
    for reference in LAYERS[:-1]:
        yield "perception-gaps", {"reference": reference}
    for a, b in (("executive_board,director", "employee"), ("department_head,team_leader", "employee"),
                 ("executive_board,director,department_head", "team_leader,employee")):
        yield "perception-gaps", {"a": a, "b": b}
    if world.ask_desired:
        for by in ("scope", "layer"):
            yield "desired-gap", {"by": by}
    for rank_by in ("auto", "mean") + (("desired_gap",) if world.ask_desired else ()):
        yield "readiness", {"rank_by": rank_by}
    if later:
        yield "trend", {"surveys": world.waves[0]}
    yield "comments", {}
    yield "comment-themes", {}
    for layer in LAYERS:
        yield "comments", {"layer": layer}
    for question in QUESTIONS:
        yield "comments", {"question": question}
        for layer in ("team_leader", "employee"):
            yield "comments", {"question": question, "layer": layer}
    if scope is None:
        yield "comments", {"hidden": "true"}  # hidden ones too (an admin's; none are hidden here)


def _csv_only(text: str, twin: Any, dialect: str) -> list[str]:
    cells = [cell for row in csv_rows(text, dialect) for cell in row.values()]
    return [str(c) for c in unknown_numbers(cells, twin, decimal_comma=dialect == "excel-nl")]


def read(world: World, clients: dict[str, tuple[httpx.Client, str | None]], index: int, moment: int, *,
         thorough: bool, rng: random.Random, focus: str | None = None) -> Reading:
    """One reading of everything. `clients`: name -> (client, the unit its key is scoped to). Not thorough: the
    organisation and a sample of scopes, Dutch only for a sample, CSV for a sample. `focus`: only the scopes
    whose figures could hold that unit's respondents (the organisation, the unit and its ancestors)."""
    reading = Reading(index, moment)
    units = list(world.units)
    admin = world.org.admin
    for wave in world.waves:
        survey = admin.get(f"{world.org.prefix}/surveys/{wave}")
        assert survey.status_code == 200, survey.text
        reading.published_at[wave] = survey.json()["published_at"]
        scopes: list[str | None] = [None, *units]
        calls: list[tuple[str, httpx.Client, str, dict[str, str]]] = []
        if not thorough:
            scopes = [None, *rng.sample(units, min(len(units), 4))]
        if focus is not None:
            scopes = [None, *world.path_units(focus)]
        if len(scopes) <= len(units):
            for parent in [None, *(u for u in units if world.children(u))]:  # where every unit's own count
                for report in ("breakdown", "response-rates"):
                    params = {"level": "children"} | ({"unit_id": parent} if parent else {})
                    calls.append((report, admin, "admin", params))
        for scope in scopes:
            for report, params in variants(world, wave, scope):
                if scope is not None:
                    if not thorough and focus is None and rng.random() < 0.5:
                        continue
                    params = {**params, "unit_id": scope}
                calls.append((report, admin, "admin", params))
        for name, (client, unit) in clients.items():
            for report, params in variants(world, wave, unit):
                if thorough or rng.random() < 0.3:
                    calls.append((report, client, name, params))
        if wave == world.waves[0] and len(world.waves) > 1:
            for scope in scopes:
                calls.append(("action-effect", admin, "admin", {"action": _action_of(world, wave, scope)}))
        for report, client, key_name, params in calls:
            url = f"{world.org.prefix}/surveys/{wave}/reports/{report}"
            if report == "action-effect":
                url = f"{world.org.prefix}/surveys/{wave}/actions/{params['action']}/effect"
                params = {"scope": params["action"]}
                response = client.get(url)
                reading.requests += 1
                assert response.status_code == 200, (url, response.text)
                for obs in observations(report, f"{report}?{urlencode(params)}", wave, response.json()):
                    obs.moment, obs.reading = moment, index
                    reading.obs.append(obs)
                continue
            response = client.get(url, params=params)
            reading.requests += 1
            if report == "drivers" and response.status_code == 422:
                assert response.json()["errors"][0]["type"] in ("below_driver_minimum", "driver_set_hidden"), \
                    response.text
                continue  # says only that the scope's set is below the minimum (or hidden): no figure
            assert response.status_code == 200, (url, params, response.text)
            body = response.json()
            if report == "comments":  # a new random order on every read: the set is what is published
                body["comments"].sort(key=lambda c: c["id"])
            source = f"{report}?{urlencode(params)}" + ("" if client is admin else f" ({key_name})")
            reading.bodies[f"{wave}:{source}"] = body
            for obs in observations(report, source, wave, body):
                obs.moment, obs.reading = moment, index
                reading.obs.append(obs)
            for unit, at, live in rollups(report, body):
                target = _unit_at(world, at)
                reading.rollups.setdefault((wave, index, live), {})[unit] = target if at is not None else unit
            if report in COMMENT_REPORTS:  # their own roll-up, at the comment threshold
                moves = reading.rollups.setdefault((wave, index, COMMENT_ROLLUP), {})
                moves.update((unit, _unit_at(world, at)) for unit, at in comment_rollups(body))
            if report not in COMMENT_REPORTS and (thorough or rng.random() < 0.15):
                nl = client.get(url, params={**params, "lang": "nl"})
                reading.requests += 1
                assert nl.status_code == 200, nl.text
                for obs in observations(report, source + " nl", wave, nl.json()):
                    obs.moment, obs.reading = moment, index
                    reading.obs.append(obs)
            if report in CSV_REPORTS and (thorough or rng.random() < 0.15):
                for dialect in ("rfc4180", "excel-nl") if thorough else (rng.choice(("rfc4180", "excel-nl")),):
                    text = client.get(url, params={**params, "format": "csv", "dialect": dialect})
                    reading.requests += 1
                    assert text.status_code == 200, text.text
                    reading.csv_only += [f"{source} csv {dialect}: {c}" for c in _csv_only(text.text, body, dialect)]
        _read_export(world, wave, reading, thorough=thorough, rng=rng)
        _read_raw_export(world, wave, reading, thorough=thorough, rng=rng)
    return reading


def _export_rows(text: str, dialect: str) -> list[dict[str, str]]:
    text = text.removeprefix("\ufeff")
    lines = "".join(line for line in io.StringIO(text) if not line.startswith("#"))
    return csv_rows(("\ufeff" if dialect == "excel-nl" else "") + lines, dialect)


def _read_export(world: World, wave: str, reading: Reading, *, thorough: bool, rng: random.Random) -> None:
    """The k-anonymous comment export (CSV in both dialects, and the workbook): the same rows, each row's
    generalised unit and layer those of its author or coarser, every cell of a question in k rows or more. Its
    per-question totals become observations."""
    rows = _export_tables(world, f"{world.org.prefix}/surveys/{wave}/comments/export", "comments", reading,
                          thorough=thorough, rng=rng)
    reading.export_problems += export_problems(world, wave, rows)
    for obs in comment_export("comments/export", wave, rows, _export_set(world, wave, reading)):
        obs.moment, obs.reading = reading.moment, reading.index
        reading.obs.append(obs)


def _export_tables(world: World, url: str, sheet: str, reading: Reading, *, thorough: bool,
                   rng: random.Random) -> list[dict[str, str]]:
    """An export's rows as CSV in both dialects (one, sampled) and the workbook (sometimes): the same in each."""
    tables: dict[str, list[dict[str, str]]] = {}
    for dialect in ("rfc4180", "excel-nl") if thorough else (rng.choice(("rfc4180", "excel-nl")),):
        response = world.org.admin.get(url, params={"dialect": dialect})
        reading.requests += 1
        assert response.status_code == 200, response.text
        tables[dialect] = _export_rows(response.text, dialect)
    if thorough or rng.random() < 0.3:
        book = world.org.admin.get(url, params={"format": "xlsx"})
        reading.requests += 1
        assert book.status_code == 200, book.text
        tables["xlsx"] = [{k: "" if v is None else str(v) for k, v in row.items()}
                          for row in xlsx_sheets(book.content)[sheet]]
    rows = next(iter(tables.values()))
    for name, other in tables.items():
        if sorted(map(repr, other)) != sorted(map(repr, rows)):
            reading.export_problems.append(f"{url} {name}: other rows than {next(iter(tables))}")
    return rows


def _read_raw_export(world: World, wave: str, reading: Reading, *, thorough: bool, rng: random.Random) -> None:
    """The raw export of the published responses (CSV in both dialects, and the workbook): the same rows in each;
    its groups of rows, and the answers of each group and of each class of rows in it, become observations."""
    rows = _export_tables(world, f"{world.org.prefix}/surveys/{wave}/responses/export", "responses", reading,
                          thorough=thorough, rng=rng)
    unit_of: dict[str, str | None] = {"/".join(world.path(u)): u for u in world.units} | {"*": None}
    groups: dict[tuple[str | None, str], list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault((unit_of[row["unit_path"]], row["layer"]), []).append(row)
    whos = raw_export_groups(wave, groups, {u: world.units[u][1] for u in world.units})
    dimension_of = {item.key: item.dimension for item in world.items}
    found = list(raw_export("responses/export", groups, whos, dimension_of))
    response = world.org.admin.get(f"{world.org.prefix}/surveys/{wave}/responses/export", params={"shape": "long"})
    reading.requests += 1
    assert response.status_code == 200, response.text
    found += raw_export_long("responses/export?shape=long", _export_rows(response.text, "rfc4180"), whos, unit_of)
    for obs in found:
        obs.moment, obs.reading = reading.moment, reading.index
        reading.obs.append(obs)


def _export_set(world: World, wave: str, reading: Reading) -> Who:
    """Whose comments the export holds, as the comments reports say: the organisation's when its comments are
    shown, else those of the topmost units shown (asked of every unit here, whatever the reading sampled)."""
    shown: set[str | None] = set()
    for unit in [None, *world.units]:
        response = world.org.admin.get(f"{world.org.prefix}/surveys/{wave}/reports/comments",
                                       params={"unit_id": unit} if unit else {})
        reading.requests += 1
        assert response.status_code == 200, response.text
        if response.json()["shown"]:
            shown.add(unit)
    if None in shown:
        return Who(wave)
    return Who(wave, union=tuple(sorted(u for u in shown if u is not None
                                        and not set(world.path_units(u)[:-1]) & shown)))


def export_problems(world: World, wave: str, rows: list[dict[str, str]]) -> list[str]:
    """What a row of the comment export may not do: name a unit its author is not in (the unit itself, an
    ancestor, the board unit the roll-up may count it with, or `*`), a layer finer than the author's (the layer,
    `*leaders` for a leader, or `*`), or stand in a (question, unit, layer) cell of fewer than the threshold."""
    authors = {text: p for p in world.people if p.wave == wave for text in p.comments.values()}
    paths = {"/".join(world.path(u)): u for u in world.units}
    out = []
    cells = Counter((r["question_key"], r["unit_path"], r["layer"]) for r in rows)
    for cell, n in cells.items():
        if n < world.comment_thresholds[wave]:
            out.append(f"export cell {cell}: {n} rows, fewer than {world.comment_thresholds[wave]}")
    for r in rows:
        p = authors.get(r["text"])
        if p is None or p.comments.get(r["question_key"]) != r["text"]:
            out.append(f"export row {r}: no such comment")
            continue
        unit = paths.get(r["unit_path"])
        if not (r["unit_path"] == "*" or unit in (*world.path_units(p.unit), world.board)):
            out.append(f"export row {r}: the author is in {world.path(p.unit)}")
        if r["layer"] not in (p.layer, "*") and not (r["layer"] == "*leaders" and p.layer != LAYERS[-1]):
            out.append(f"export row {r}: the author is a {p.layer}")
    return out


_ACTIONS: dict[tuple[str, str | None], str] = {}


def _action_of(world: World, wave: str, scope: str | None) -> str:
    """An action of the scope (None: the organisation) in the wave, made once, aimed at a statement so that both
    its dimension's and its statement's before and after are read."""
    if (wave, scope) not in _ACTIONS:
        response = world.org.admin.post(f"{world.org.prefix}/surveys/{wave}/actions", json={
            "unit_id": scope, "item_key": world.items[0].key, "title": "Attack"})
        assert response.status_code == 201, response.text
        _ACTIONS[(wave, scope)] = response.json()["id"]
    return _ACTIONS[(wave, scope)]


def _unit_at(world: World, path: list[str] | None) -> str | None:
    if not path:
        return None
    for unit in world.units:
        if world.path(unit) == path:
            return unit
    raise AssertionError(f"no unit at {path}")
