"""The raw export under the reports' maps against the old raw export: ``python bench/bench_export.py``
(``make bench-export``).

It creates its own PostgreSQL database (``BENCH_DATABASE_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/culturegap_bench_export``; dropped at the end unless ``--keep``),
migrates it and seeds the organisation of ``bench/_seed.py`` (5 directorates, 25 departments, 500 teams, the 5
default layers, 30 items, ``--respondents`` published responses, default 100,000; 30% answering in English). Then,
in this one process, it runs both exports the way the endpoint does (build the plan in a session, then read the
whole streamed CSV) ``--repeats`` times each, alternating:

- ``old``: the raw export as it was before issue 12 (commit ``d906f09``, copied below as ``old_export``): one row
  per respondent with unit and layer, no generalisation;
- ``new cold``: ``app.responses.export`` with the report caches emptied first (it loads the answers and the
  reports' roll-up of small own groups, as after a publication);
- ``new warm``: the same with those caches filled (as after any report of the wave);
- ``long, warm``: ``shape=long`` (one row per respondent, dimension and frame), caches filled.

It prints the medians, their ratios to the old export's, and the new export's summary line (how much was
generalised and withheld). Timings are wall-clock on a shared machine; the load average is printed with them.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/culturegap_bench_export"
URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
os.environ["DATABASE_URL"] = URL  # before the app reads its settings: the exports open their own sessions

import psycopg  # noqa: E402
from sqlalchemy import create_engine, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import app.models  # noqa: E402, F401  (every table known to the ORM)
from app.db import get_sessionmaker  # noqa: E402
from app.exports.tables import csv_chunks  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.orgs import service as org_service  # noqa: E402
from app.orgs.models import Layer, Organisation  # noqa: E402
from app.questionnaires.service import load_definition  # noqa: E402
from app.reports import data as report_data  # noqa: E402
from app.reports import maps  # noqa: E402
from app.responses.codec import unpack  # noqa: E402
from app.responses.csv_import import DESIRED  # noqa: E402
from app.responses.export import ExportPlan, table  # noqa: E402
from app.responses.models import Response  # noqa: E402
from app.surveys.models import Survey  # noqa: E402
from app.units.tree import UnitTree, load_tree  # noqa: E402
from bench._seed import seed  # noqa: E402
from bench.bench_reports import bench_database, libpq  # noqa: E402


def old_export(session: Session, survey: Survey, tree: UnitTree, layers: list[Layer]) -> Iterator[str]:
    """The export before issue 12 (``app/responses/export.py`` at d906f09), condensed: every response, its unit
    path, unit key and layer key, then the answers; chunks of 5,000 by keyset pagination, each in a session of its
    own."""
    definition = load_definition(session, survey.questionnaire_id)
    units = {i: ("/".join(tree.path(i)), tree.units[i].external_key or "") for i in tree.units}
    layer_keys = {layer.id: layer.key for layer in layers}
    width = len(definition.items)
    keys = [item.key for item in definition.items]

    def cells(blob: bytes | None) -> list[str]:
        answers = (unpack(blob) if blob is not None else []) + [None] * width
        return ["" if a is None else str(a) for a in answers[:width]]

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["unit_path", "unit_key", "layer", *keys, *([k + DESIRED for k in keys] if survey.ask_desired
                                                                else [])])
    yield out.getvalue()
    last: uuid.UUID | None = None
    while True:
        query = (select(Response.id, Response.unit_id, Response.layer_id, Response.current, Response.desired)
                 .where(Response.survey_id == survey.id).order_by(Response.id).limit(5000))
        if last is not None:
            query = query.where(Response.id > last)
        with get_sessionmaker(read_only=True)() as chunk_session:
            rows = chunk_session.execute(query).all()
        if not rows:
            return
        out.seek(0)
        out.truncate()
        for _, unit_id, layer_id, current, desired in rows:
            path, key = units.get(unit_id, ("", ""))
            row = [path, key, layer_keys.get(layer_id, "") if layer_id else "", *cells(current)]
            if survey.ask_desired:
                row += cells(desired)
            writer.writerow(row)
        yield out.getvalue()
        last = rows[-1][0]


def _timed(run: Callable[[], Iterator[str]]) -> tuple[float, int, str]:
    start = time.perf_counter()
    size = 0
    first = ""
    for chunk in run():
        if not first:
            first = chunk.split("\r\n", 1)[0]
        size += len(chunk)
    return time.perf_counter() - start, size, first


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--respondents", type=int, default=100_000)
    ap.add_argument("--teams", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = ap.parse_args()
    with bench_database(URL, keep=args.keep):
        upgrade(URL)
        engine = create_engine(URL)
        with Session(engine) as session, psycopg.connect(libpq(URL)) as conn:
            earlier = max(args.teams * 20, args.respondents // 10)  # the earlier wave: not exported here
            seeded = seed(session, conn, respondents=args.respondents, earlier_respondents=earlier, teams=args.teams)
            conn.commit()
        with get_sessionmaker()() as session:
            survey = session.get(Survey, seeded.survey_id)
            organisation = session.get(Organisation, seeded.organisation_id)
            assert survey is not None and organisation is not None
            tree = load_tree(session, organisation.id)
            layers = org_service.list_layers(session, organisation)

            def old() -> Iterator[str]:
                return old_export(session, survey, tree, layers)

            def new() -> Iterator[str]:
                return iter(csv_chunks(table(ExportPlan.of(session, organisation, survey, tree)), "rfc4180"))

            def long() -> Iterator[str]:
                return iter(csv_chunks(table(ExportPlan.of(session, organisation, survey, tree, "long")), "rfc4180"))

            def new_cold() -> Iterator[str]:
                report_data._cache.clear()  # the answers as loaded for the reports, and their maps and roll-ups
                maps.clear()
                return new()

            times: dict[str, list[float]] = {"old": [], "new cold": [], "new warm": [], "long, warm": []}
            sizes: dict[str, int] = {}
            summary: dict[str, str] = {}
            _timed(old)  # warm the connection pool and the database's buffers
            for _ in range(args.repeats):
                for name, run in (("old", old), ("new cold", new_cold), ("new warm", new), ("long, warm", long)):
                    seconds, size, first = _timed(run)
                    times[name].append(seconds)
                    sizes[name] = size
                    if name != "old":
                        summary[name] = first
    base = statistics.median(times["old"])
    print(f"{args.respondents:,} published responses, {seeded.units} units; load average "
          f"{os.getloadavg()[0]:.1f}; medians of {args.repeats}")
    print("| export | median s | ratio to old | CSV MB |")
    print("|---|---:|---:|---:|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.3f} | {median / base:.2f}x | {sizes[name] / 1e6:.1f} |")
    print("\n".join(sorted(set(summary.values()))))


if __name__ == "__main__":
    main()
