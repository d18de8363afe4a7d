"""How to store a response's answers on PostgreSQL: ``python bench/bench_layout.py`` (``make bench-layout``).

Three layouts of the same data, each in scratch tables of its own database (``BENCH_DATABASE_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/copyimp_bench_layout``, created and dropped by the run):

- ``row per answer``: ``responses(id, survey_id, unit_id, layer_id)`` and ``answers(response_id, item, value)``
  (primary key (response_id, item), a foreign key to its response with ON DELETE CASCADE; missing answers have no
  row);
- ``smallint[]``: one row per response with ``current smallint[]`` (30 elements; -128 missing, -127 don't know);
- ``packed bytea``: one row per response with ``current bytea``, one signed byte per item (-128 missing, -127 don't
  know): what the service stores (``app/responses/codec.py``).

Every response table has a uuid primary key and an index on ``survey_id``; none references the service's tables,
so the figures compare the layouts alone. For ``--responses`` (default 100,000) responses x 30 items it measures:

- single inserts: ``--singles`` (default 2,000) responses, one transaction each (what the web form's intake does),
  in rounds that take the layouts in turn so that noise hits all three alike; row per answer inserts its answers
  with one ``INSERT ... SELECT FROM unnest(...)``;
- bulk load: the whole set with one text ``COPY`` per table, committed;
- read: every answer of the survey as a responses x items int8 numpy matrix with each response's unit and layer
  (what a report reads), median of ``--reads`` runs taken in turn: row per answer through a binary ``COPY ... TO``
  decoded with numpy and grouped by response id; ``smallint[]`` by fetching the rows and ``np.array``; packed
  bytea by fetching the rows and ``np.frombuffer`` on their joined bytes, and by ``string_agg`` on the server;
- size: table, indexes and TOAST after ``VACUUM ANALYZE``.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import psycopg  # noqa: E402

from app.responses.codec import DONT_KNOW, MISSING  # noqa: E402
from bench.bench_import import make_rows  # noqa: E402
from bench.bench_reports import _cpu_model, _pg_version, bench_database, libpq  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/copyimp_bench_layout"
ITEMS = 30
SCHEMA = """
CREATE TABLE rows_responses (id uuid PRIMARY KEY, survey_id uuid NOT NULL, unit_id uuid NOT NULL, layer_id uuid);
CREATE INDEX ON rows_responses (survey_id);
CREATE TABLE rows_answers (response_id uuid NOT NULL REFERENCES rows_responses (id) ON DELETE CASCADE,
                           item smallint NOT NULL, value smallint NOT NULL, PRIMARY KEY (response_id, item));
CREATE TABLE array_responses (id uuid PRIMARY KEY, survey_id uuid NOT NULL, unit_id uuid NOT NULL, layer_id uuid,
                              current smallint[] NOT NULL);
CREATE INDEX ON array_responses (survey_id);
CREATE TABLE bytea_responses (id uuid PRIMARY KEY, survey_id uuid NOT NULL, unit_id uuid NOT NULL, layer_id uuid,
                              current bytea NOT NULL);
CREATE INDEX ON bytea_responses (survey_id);
"""
LAYOUTS = ("row per answer", "smallint[]", "packed bytea")
TABLES = {"row per answer": ("rows_responses", "rows_answers"), "smallint[]": ("array_responses",),
          "packed bytea": ("bytea_responses",)}


@dataclass
class Data:
    survey_id: uuid.UUID
    ids: list[uuid.UUID]
    units: list[uuid.UUID]
    layers: list[uuid.UUID]
    answers: np.ndarray  # int8, responses x items


@dataclass
class Figures:
    single_seconds: float = 0.0
    singles: int = 0
    bulk_seconds: float = 0.0
    reads: dict[str, list[float]] = field(default_factory=dict)
    sizes: tuple[int, int, int] = (0, 0, 0)  # table (with TOAST), indexes, total


def make_data(n: int) -> Data:
    rows = make_rows(n, ITEMS, 500, 5, desired=False, seed=7)
    units = [uuid.uuid4() for _ in range(500)]
    layers = [uuid.uuid4() for _ in range(5)]
    return Data(uuid.uuid4(), [uuid.uuid4() for _ in range(n)], [units[i] for i in rows.unit_idx],
                [layers[i] for i in rows.layer_idx], rows.current)


# --- writing ---------------------------------------------------------------------------------------------------------

def insert_one(conn: psycopg.Connection, layout: str, survey_id: uuid.UUID, unit: uuid.UUID, layer: uuid.UUID,
               answers: np.ndarray) -> None:
    """One response in a transaction of its own."""
    rid = uuid.uuid4()
    with conn.cursor() as cur:
        if layout == "row per answer":
            cur.execute("INSERT INTO rows_responses (id, survey_id, unit_id, layer_id) VALUES (%s, %s, %s, %s)",
                        (rid, survey_id, unit, layer))
            given = np.flatnonzero(answers != MISSING)
            cur.execute("INSERT INTO rows_answers (response_id, item, value) SELECT %s, i, v "
                        "FROM unnest(%s::smallint[], %s::smallint[]) AS t(i, v)",
                        (rid, given.tolist(), answers[given].tolist()))
        elif layout == "smallint[]":
            cur.execute("INSERT INTO array_responses (id, survey_id, unit_id, layer_id, current) "
                        "VALUES (%s, %s, %s, %s, %s::smallint[])", (rid, survey_id, unit, layer, answers.tolist()))
        else:
            cur.execute("INSERT INTO bytea_responses (id, survey_id, unit_id, layer_id, current) "
                        "VALUES (%s, %s, %s, %s, %s)", (rid, survey_id, unit, layer, answers.tobytes()))
    conn.commit()


def copy_text(data: Data, layout: str) -> dict[str, str]:
    """The COPY payload of each of the layout's tables."""
    out = {table: io.StringIO() for table in TABLES[layout]}
    sid = data.survey_id.hex
    for r, rid in enumerate(data.ids):
        head = f"{rid.hex}\t{sid}\t{data.units[r].hex}\t{data.layers[r].hex}"
        answers = data.answers[r]
        if layout == "row per answer":
            out["rows_responses"].write(head + "\n")
            answers_out = out["rows_answers"]
            for item in np.flatnonzero(answers != MISSING).tolist():
                answers_out.write(f"{rid.hex}\t{item}\t{answers[item]}\n")
        elif layout == "smallint[]":
            out["array_responses"].write(f"{head}\t{{{','.join(map(str, answers.tolist()))}}}\n")
        else:
            out["bytea_responses"].write(f"{head}\t\\\\x{answers.tobytes().hex()}\n")
    return {table: buf.getvalue() for table, buf in out.items()}


def bulk_load(conn: psycopg.Connection, payload: dict[str, str]) -> float:
    t0 = time.perf_counter()
    with conn.cursor() as cur:
        for table, text in payload.items():
            with cur.copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(text)
    conn.commit()
    return time.perf_counter() - t0


# --- reading ---------------------------------------------------------------------------------------------------------

Matrix = tuple[np.ndarray, list[uuid.UUID], list[uuid.UUID | None]]  # answers, unit per row, layer per row


def read_rows(conn: psycopg.Connection, survey_id: uuid.UUID) -> Matrix:
    raw = io.BytesIO()
    with conn.cursor() as cur:
        with cur.copy("COPY (SELECT a.response_id, a.item, a.value FROM rows_answers a JOIN rows_responses r "
                      "ON r.id = a.response_id WHERE r.survey_id = %s) TO STDOUT (FORMAT BINARY)",
                      (survey_id,)) as copy:
            for block in copy:
                raw.write(block)
        heads = cur.execute("SELECT id, unit_id, layer_id FROM rows_responses WHERE survey_id = %s",
                            (survey_id,)).fetchall()
    body = raw.getvalue()[19:-2]  # signature + flags + extension length; trailer
    record = np.dtype([("n", ">i2"), ("l1", ">i4"), ("rid", "V16"), ("l2", ">i4"), ("item", ">i2"), ("l3", ">i4"),
                       ("value", ">i2")])
    rec = np.frombuffer(body, record)
    ids = np.frombuffer(b"".join(rid.bytes for rid, _, _ in heads), "S16")  # S16: sortable, exact at 16 bytes
    keys, inverse = np.unique(rec["rid"].view("S16"), return_inverse=True)
    by_id = np.argsort(ids)
    position = by_id[np.searchsorted(ids[by_id], keys)]  # answer's response -> its row in `heads`
    answers = np.full((len(heads), ITEMS), MISSING, np.int8)
    answers[position[inverse], rec["item"]] = rec["value"]
    return answers, [u for _, u, _ in heads], [la for _, _, la in heads]


def read_array(conn: psycopg.Connection, survey_id: uuid.UUID) -> Matrix:
    rows = conn.execute("SELECT unit_id, layer_id, current FROM array_responses WHERE survey_id = %s",
                        (survey_id,)).fetchall()
    return np.array([c for _, _, c in rows], np.int8), [u for u, _, _ in rows], [la for _, la, _ in rows]


def read_bytea(conn: psycopg.Connection, survey_id: uuid.UUID) -> Matrix:
    rows = conn.execute("SELECT unit_id, layer_id, current FROM bytea_responses WHERE survey_id = %s",
                        (survey_id,)).fetchall()
    answers = np.frombuffer(b"".join(c for _, _, c in rows), np.int8).reshape(len(rows), ITEMS)
    return answers, [u for u, _, _ in rows], [la for _, la, _ in rows]


def read_bytea_agg(conn: psycopg.Connection, survey_id: uuid.UUID) -> Matrix:
    # The aggregates of one query see the rows in the same order, so the three line up without an ORDER BY.
    row = conn.execute("SELECT string_agg(current, ''::bytea), array_agg(unit_id), array_agg(layer_id) "
                       "FROM bytea_responses WHERE survey_id = %s", (survey_id,)).fetchone()
    if row is None or row[0] is None:
        return np.empty((0, ITEMS), np.int8), [], []
    blob, units, layers = row
    return np.frombuffer(blob, np.int8).reshape(-1, ITEMS), units, layers


READS: dict[str, tuple[str, Callable[[psycopg.Connection, uuid.UUID], Matrix]]] = {
    "row per answer: binary COPY TO + numpy group by response": ("row per answer", read_rows),
    "smallint[]: fetch rows + np.array": ("smallint[]", read_array),
    "packed bytea: fetch rows + np.frombuffer": ("packed bytea", read_bytea),
    "packed bytea: string_agg + np.frombuffer": ("packed bytea", read_bytea_agg),
}


def sizes(conn: psycopg.Connection, layout: str) -> tuple[int, int, int]:
    table = index = 0
    for name in TABLES[layout]:
        row = conn.execute("SELECT pg_table_size(%s::regclass), pg_indexes_size(%s::regclass)", (name, name)).fetchone()
        if row is not None:
            table, index = table + int(row[0]), index + int(row[1])
    return table, index, table + index


def check(matrix: Matrix, data: Data) -> bool:
    """The read gives back the loaded answers (as a multiset of (unit, answers) rows)."""
    answers, units, _ = matrix
    got = sorted(u.bytes + a.tobytes() for u, a in zip(units, answers, strict=True))
    want = sorted(u.bytes + a.tobytes() for u, a in zip(data.units, data.answers, strict=True))
    return got == want


# --- the run -------------------------------------------------------------------------------------------------------

def run(url: str, n: int, singles: int, reads: int, rounds: int = 4) -> None:
    load_before = os.getloadavg()
    data = make_data(n)
    figures = {layout: Figures() for layout in LAYOUTS}
    with psycopg.connect(libpq(url)) as conn:
        conn.execute(SCHEMA)
        conn.commit()
        pg = _pg_version(conn)
        for layout in LAYOUTS:
            payload = copy_text(data, layout)
            figures[layout].bulk_seconds = bulk_load(conn, payload)
            print(f"  bulk load, {layout}: {figures[layout].bulk_seconds:.2f} s", flush=True)
        intake_survey = uuid.uuid4()
        per_round = max(1, singles // rounds)
        for r in range(rounds):
            for layout in LAYOUTS[r % 3:] + LAYOUTS[:r % 3]:
                t0 = time.perf_counter()
                for i in range(per_round):
                    row = (r * per_round + i) % n
                    insert_one(conn, layout, intake_survey, data.units[row], data.layers[row], data.answers[row])
                figures[layout].single_seconds += time.perf_counter() - t0
                figures[layout].singles += per_round
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
        conn.autocommit = False
        for layout in LAYOUTS:
            figures[layout].sizes = sizes(conn, layout)
        ok = True
        for _ in range(reads):
            for label, (layout, read) in READS.items():
                t0 = time.perf_counter()
                matrix = read(conn, data.survey_id)
                figures[layout].reads.setdefault(label, []).append(time.perf_counter() - t0)
                ok = ok and check(matrix, data)
            conn.rollback()
    report(figures, n, singles, float(np.mean(data.answers == MISSING)), pg, load_before, ok)
    if not ok:
        raise SystemExit("a read did not give back the loaded answers")


def report(figures: dict[str, Figures], n: int, singles: int, missing: float, pg: str,
           load_before: tuple[float, ...], ok: bool) -> None:
    packed = figures["packed bytea"]
    print()
    print(f"Storage layouts on PostgreSQL {pg}: {n:,} responses x {ITEMS} items "
          f"({100 * missing:.0f}% missing, "
          f"don't know coded {DONT_KNOW}); {singles:,} single inserts per layout")
    print()
    print("| layout | single inserts /s (1 tx each) | bulk load s (COPY) | table + index MB | bytes / response |")
    print("|---|---:|---:|---:|---:|")
    for layout, f in figures.items():
        table, index, total = f.sizes
        print(f"| {layout} | {f.singles / f.single_seconds:,.0f} | {f.bulk_seconds:.2f} "
              f"({f.bulk_seconds / packed.bulk_seconds:.1f}x) | {table / 2**20:.1f} + {index / 2**20:.1f} = "
              f"{total / 2**20:.1f} ({total / packed.sizes[2]:.1f}x) | {total / (n + f.singles):.0f} |")
    print()
    fastest = min(statistics.median(t) for f in figures.values() for t in f.reads.values())
    print("| read of every answer of the survey (to an n x 30 int8 matrix + unit and layer per row) | median s | "
          "ratio |")
    print("|---|---:|---:|")
    for f in figures.values():
        for label, times in f.reads.items():
            print(f"| {label} | {statistics.median(times):.3f} | {statistics.median(times) / fastest:.1f}x |")
    print()
    print(f"every read gave back the loaded answers: {'yes' if ok else 'NO'}")
    print(f"machine: {_cpu_model()}, {os.cpu_count()} cores (shared), load average {load_before[0]:.2f} before / "
          f"{os.getloadavg()[0]:.2f} after (1 min); python {platform.python_version()}")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--responses", type=int, default=100_000, help="responses bulk-loaded (default 100,000)")
    ap.add_argument("--singles", type=int, default=2000, help="single-response inserts per layout (default 2,000)")
    ap.add_argument("--reads", type=int, default=5, help="reads per layout (default 5)")
    args = ap.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    with bench_database(url):
        run(url, args.responses, args.singles, max(1, args.reads))


if __name__ == "__main__":
    main()
