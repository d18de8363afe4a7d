"""Benchmark of the CSV import of responses through HTTP: ``python bench/bench_import.py`` (``make bench-import``).

It creates its own database (PostgreSQL by default: ``BENCH_DATABASE_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/copyimp_bench_import``, dropped at the end unless ``--keep``;
``--sqlite``: a fresh SQLite file in a temporary folder), migrates it, creates one organisation with 5 directorates,
25 departments and 500 teams, the 5 default layers, a 30-item questionnaire and a survey, and writes a CSV of
``--rows`` responses (default 100,000; ``--desired`` adds the 30 "how it should be" columns): units named by path,
layer keys, answers 1..5 with 3% empty and 1.5% ``dont_know``. It starts the real server (``culturegap serve``, one
worker, on a free loopback port), posts the file once to ``POST .../responses/import`` and times the request.

The baseline, in the same run and on the same table: the same rows, already resolved and packed, loaded with a
plain psycopg ``COPY responses (...) FROM STDIN`` (on SQLite: a plain ``executemany`` INSERT) into a second survey
and committed, once before and once after the import; the import's time is given as a ratio to their mean.

Afterwards it checks that the survey holds exactly the file's rows: the count, and every row's (unit, layer,
answers) as a multiset against the file (the whole file, not a sample). Everything runs on loopback; the run is
bounded (one upload, two baseline loads).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import numpy as np  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import app.models  # noqa: E402, F401  (every table known to the ORM)
from app.auth import service as auth_service  # noqa: E402
from app.auth.models import Role  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.orgs import service as org_service  # noqa: E402
from app.questionnaires import service as questionnaire_service  # noqa: E402
from app.responses.codec import DONT_KNOW, MISSING  # noqa: E402
from app.surveys.models import Survey, SurveyStatus  # noqa: E402
from app.units.tree import load_tree  # noqa: E402
from bench._seed import _tree, questionnaire_in  # noqa: E402
from bench.bench_reports import Server, _cpu_model, _revision, bench_database, libpq  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/copyimp_bench_import"
TARGET_S = 10.0
COLUMNS = "id, survey_id, unit_id, layer_id, language, source, current, desired"


@dataclass
class Setup:
    organisation_id: uuid.UUID
    survey_id: uuid.UUID
    baseline_survey_ids: list[uuid.UUID]
    admin_key: str
    item_keys: list[str]
    unit_paths: list[str]  # the teams, by path
    unit_ids: list[uuid.UUID]
    layer_keys: list[str]
    layer_ids: list[uuid.UUID]


@dataclass
class Rows:
    """The file's content as arrays: per row a team index, a layer index and the packed answers."""

    unit_idx: np.ndarray
    layer_idx: np.ndarray
    current: np.ndarray  # int8, rows x items
    desired: np.ndarray | None


def set_up(url: str, teams: int, desired: bool) -> Setup:
    upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        organisation = org_service.create_organisation(session, name="Import benchmark")
        layers = org_service.list_layers(session, organisation)
        q = questionnaire_service.create_questionnaire(session, organisation, questionnaire_in())
        ids, _, _, team_idx, _ = _tree(session, organisation.id, 5, max(5, teams // 20), teams)
        tree = load_tree(session, organisation.id)
        team_ids = [ids[t] for t in team_idx]
        surveys = [Survey(organisation_id=organisation.id, questionnaire_id=q.id, title=title, languages=["en", "nl"],
                          ask_desired=desired, min_group_size=5, status=SurveyStatus.closed)
                   for title in ("Imported history", "Baseline before", "Baseline after")]
        session.add_all(surveys)
        _, key = auth_service.create_key(session, role=Role.org_admin, name="benchmark admin",
                                         organisation_id=organisation.id)
        items = questionnaire_service.load_definition(session, q.id).items
        setup = Setup(organisation.id, surveys[0].id, [s.id for s in surveys[1:]], key, [i.key for i in items],
                      ["/".join(tree.path(i)) for i in team_ids], team_ids, [la.key for la in layers],
                      [la.id for la in layers])
        session.commit()
    engine.dispose()
    return setup


def make_rows(n: int, items: int, teams: int, layers: int, desired: bool, seed: int = 2026) -> Rows:
    rng = np.random.default_rng(seed)

    def frame() -> np.ndarray:
        answers = rng.integers(1, 6, (n, items), dtype=np.int8)
        u = rng.random((n, items))
        answers[u < 0.03] = MISSING
        answers[(u >= 0.03) & (u < 0.045)] = DONT_KNOW
        answers[:, 0] = rng.integers(1, 6, n)  # no row without answers
        return answers

    shares = np.array([0.002, 0.01, 0.03, 0.08, 0.878]) if layers == 5 else np.full(layers, 1 / layers)
    layer_idx = rng.choice(layers, n, p=shares)
    return Rows(rng.integers(0, teams, n), layer_idx, frame(), frame() if desired else None)


def write_csv(path: Path, setup: Setup, rows: Rows) -> int:
    cell = {MISSING: "", DONT_KNOW: "dont_know", **{v: str(v) for v in range(1, 6)}}
    header = ["unit", "layer", *setup.item_keys]
    if rows.desired is not None:
        header += [f"{k}:desired" for k in setup.item_keys]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for r in range(len(rows.unit_idx)):
            answers = rows.current[r].tolist() + (rows.desired[r].tolist() if rows.desired is not None else [])
            writer.writerow([setup.unit_paths[rows.unit_idx[r]], setup.layer_keys[rows.layer_idx[r]],
                             *[cell[a] for a in answers]])
    return path.stat().st_size


def expected(setup: Setup, rows: Rows) -> Counter[tuple[str, str, bytes, bytes | None]]:
    cur = rows.current.tobytes()
    des = rows.desired.tobytes() if rows.desired is not None else None
    w = rows.current.shape[1]
    return Counter((setup.unit_ids[rows.unit_idx[r]].hex, setup.layer_ids[rows.layer_idx[r]].hex,
                    cur[r * w:(r + 1) * w], des[r * w:(r + 1) * w] if des is not None else None)
                   for r in range(len(rows.unit_idx)))


# --- the baseline: the same rows, resolved and packed already, loaded as plainly as the driver allows --------------

def copy_payload(setup: Setup, survey_id: uuid.UUID, rows: Rows) -> str:
    cur = rows.current.view(np.uint8).tobytes()
    des = rows.desired.view(np.uint8).tobytes() if rows.desired is not None else None
    w = rows.current.shape[1]
    out = io.StringIO()
    for r in range(len(rows.unit_idx)):
        desired = f"\\\\x{des[r * w:(r + 1) * w].hex()}" if des is not None else "\\N"
        out.write(f"{uuid.uuid4().hex}\t{survey_id.hex}\t{setup.unit_ids[rows.unit_idx[r]].hex}\t"
                  f"{setup.layer_ids[rows.layer_idx[r]].hex}\t\\N\timport\t\\\\x{cur[r * w:(r + 1) * w].hex()}\t"
                  f"{desired}\n")
    return out.getvalue()


def baseline_pg(url: str, setup: Setup, survey_id: uuid.UUID, rows: Rows) -> float:
    payload = copy_payload(setup, survey_id, rows)
    with psycopg.connect(libpq(url)) as conn:
        t0 = time.perf_counter()
        with conn.cursor() as cur, cur.copy(f"COPY responses ({COLUMNS}) FROM STDIN") as copy:
            copy.write(payload)
        conn.commit()
        return time.perf_counter() - t0


def baseline_sqlite(path: str, setup: Setup, survey_id: uuid.UUID, rows: Rows) -> float:
    cur, w = rows.current.view(np.uint8).tobytes(), rows.current.shape[1]
    des = rows.desired.view(np.uint8).tobytes() if rows.desired is not None else None
    params = [(uuid.uuid4().hex, survey_id.hex, setup.unit_ids[rows.unit_idx[r]].hex,
               setup.layer_ids[rows.layer_idx[r]].hex, None, "import", cur[r * w:(r + 1) * w],
               des[r * w:(r + 1) * w] if des is not None else None) for r in range(len(rows.unit_idx))]
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=FULL")
        t0 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(f"INSERT INTO responses ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", params)
        conn.execute("COMMIT")
        return time.perf_counter() - t0
    finally:
        conn.close()


def stored(url: str, survey_id: uuid.UUID) -> Counter[tuple[str, str, bytes, bytes | None]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        result = conn.exec_driver_sql(
            "SELECT unit_id, layer_id, current, desired FROM responses WHERE survey_id = "
            + ("%(s)s" if url.startswith("postgresql") else ":s"), {"s": survey_id if url.startswith("postgresql")
                                                                   else survey_id.hex})
        found = Counter((u.hex if isinstance(u, uuid.UUID) else u, la.hex if isinstance(la, uuid.UUID) else la,
                         bytes(c), bytes(d) if d is not None else None) for u, la, c, d in result)
    engine.dispose()
    return found


def run(url: str, rows_n: int, teams: int, desired: bool) -> None:
    sqlite_path = make_url(url).database if url.startswith("sqlite") else None
    load_before = os.getloadavg()
    setup = set_up(url, teams, desired)
    rows = make_rows(rows_n, len(setup.item_keys), len(setup.unit_ids), len(setup.layer_ids), desired)
    folder = Path(tempfile.mkdtemp(prefix="bench_import_"))
    csv_path = folder / "responses.csv"
    size = write_csv(csv_path, setup, rows)

    def baseline(survey_id: uuid.UUID) -> float:
        if sqlite_path is not None:
            return baseline_sqlite(sqlite_path, setup, survey_id, rows)
        return baseline_pg(url, setup, survey_id, rows)

    before = baseline(setup.baseline_survey_ids[0])
    server = Server.start(url, folder / "server.log")
    try:
        with httpx.Client(base_url=server.base_url, timeout=600,
                          headers={"Authorization": f"Bearer {setup.admin_key}"}) as client, csv_path.open("rb") as f:
            cpu0, t0 = server.cpu_seconds(), time.perf_counter()
            response = client.post(f"/api/v1/organisations/{setup.organisation_id}/surveys/{setup.survey_id}"
                                   "/responses/import", files={"file": ("responses.csv", f, "text/csv")})
            elapsed, cpu = time.perf_counter() - t0, server.cpu_seconds() - cpu0
        vmhwm = server.status("VmHWM")
    finally:
        server.stop()
    if response.status_code != 201:
        raise SystemExit(f"import -> {response.status_code}: {response.text[:2000]}")
    after = baseline(setup.baseline_survey_ids[1])
    base = statistics.mean([before, after])

    found = stored(url, setup.survey_id)
    want = expected(setup, rows)
    ok = found == want and response.json()["imported"] == rows_n
    engine_name = "SQLite" if sqlite_path else "PostgreSQL"
    items = len(setup.item_keys) * (2 if desired else 1)
    print()
    print(f"CSV import through HTTP on {engine_name}: {rows_n:,} responses x {len(setup.item_keys)} items"
          f"{' (+ desired frame)' if desired else ''} = {rows_n * items:,} answers, {len(setup.unit_ids)} teams by "
          f"path, 5 layers; file {size / 1e6:.1f} MB")
    print()
    print("| what | seconds | rows/s | ratio to baseline |")
    print("|---|---:|---:|---:|")
    print(f"| import through HTTP (upload, parse, validate, store, commit) | {elapsed:.2f} | {rows_n / elapsed:,.0f} | "
          f"{elapsed / base:.1f}x |")
    plain = "plain sqlite3 executemany" if sqlite_path else "plain psycopg COPY"
    print(f"| baseline: {plain} of the same rows, packed already (before / after) | {before:.2f} / {after:.2f} | "
          f"{rows_n / base:,.0f} | 1.0x |")
    print()
    print(f"server CPU during the import {cpu:.2f} s; server peak RSS (VmHWM) {vmhwm / 1024:.0f} MB")
    print(f"check: {sum(found.values()):,} rows stored; every (unit, layer, answers) row matches the file: "
          f"{'yes' if ok else 'NO'}")
    if not sqlite_path:
        print(f"target: {rows_n:,} rows in under {TARGET_S:.0f} s: {'meets' if elapsed < TARGET_S else 'MISSES'}")
    print(f"machine: {_cpu_model()}, {os.cpu_count()} cores (shared), load average {load_before[0]:.2f} before / "
          f"{os.getloadavg()[0]:.2f} after (1 min); python {platform.python_version()}; code {_revision()}")
    for p in folder.iterdir():
        p.unlink()
    folder.rmdir()
    if not ok:
        raise SystemExit("the stored rows differ from the file")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--rows", type=int, default=100_000, help="responses in the file (default 100,000)")
    ap.add_argument("--teams", type=int, default=500, help="teams (default 500)")
    ap.add_argument("--desired", action="store_true", help="the survey asks how it should be too (60 columns)")
    ap.add_argument("--sqlite", action="store_true", help="run on a fresh SQLite file instead of PostgreSQL")
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    args = ap.parse_args()
    if args.sqlite:
        folder = tempfile.mkdtemp(prefix="bench_import_sqlite_")
        try:
            run(f"sqlite:///{folder}/bench.db", args.rows, args.teams, args.desired)
        finally:
            for p in Path(folder).iterdir():
                p.unlink()
            Path(folder).rmdir()
        return
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    with bench_database(url, keep=args.keep):
        run(url, args.rows, args.teams, args.desired)


if __name__ == "__main__":
    main()
