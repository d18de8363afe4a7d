"""Benchmark of the report endpoints through HTTP on PostgreSQL: ``python bench/bench_reports.py`` (``--quick``).

It creates its own database (``BENCH_DATABASE_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/culturegap_bench``; dropped at the end unless ``--keep``), migrates
it, seeds one organisation (see ``bench/_seed.py``: 5 directorates -> 25 departments -> 500 teams plus a board unit,
the 5 default layers, a custom questionnaire of 30 items in 6 dimensions, two waves of 100,000 respondents each
with the desired frame, invitations at an 80% response rate), starts the real server (``culturegap serve``, one
worker, on a free loopback port) and times every report endpoint with an organisation-admin key:

- ``cold``: the first call after new responses were published: five submitted through
  ``POST /api/v1/respond/submit`` into one team's employees, then the wave closed (which publishes them: reports
  show published responses only, ``app/responses/publication.py``) and reopened. That changes the survey's count
  of published responses and so invalidates the cached answers and anonymity maps (the call reloads and recomputes
  them, as the first report after every publication does in production);
- ``warm``: the median of ``--repeats`` further calls (answers and anonymity map cached in the worker; the report
  itself is computed afresh every time).

The baseline, timed in this same process before and after the HTTP runs, is the plain query that only reads the
raw answers: ``SELECT unit_id, layer_id, current, desired FROM responses WHERE survey_id = %s``, fetched fully
with psycopg. Every time is also given as a ratio to that read's median. The server's peak RSS (VmHWM) and CPU
time per call come from /proc. Everything runs on loopback; every loop is bounded. ``--profile`` then calls the
route functions of the endpoints over the 2 s target (``--profile all``: every endpoint) in this process under
cProfile, cold and warm, and prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import io
import json
import os
import platform
import pstats
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import app.models  # noqa: E402, F401  (every table known to the ORM)
from app.migrate import upgrade  # noqa: E402
from bench._seed import Seeded, seed  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/culturegap_bench"
PUBLISH_BATCH = 5  # new responses per publication: the minimum group size, in one group
RAW_SQL = "SELECT unit_id, layer_id, current, desired FROM responses WHERE survey_id = %s"
REPORT_TARGET_S = 2.0
READINESS_TARGET_RATIO = 3.0


def endpoints(s: Seeded) -> list[tuple[str, str, dict[str, str]]]:
    """(label, path under the survey's reports, query) of every report endpoint measured."""
    return [
        ("profile", "profile", {}),
        ("breakdown by=unit", "breakdown", {"by": "unit", "level": "teams"}),
        ("breakdown by=layer", "breakdown", {"by": "layer"}),
        ("breakdown by=unit_layer", "breakdown", {"by": "unit_layer", "level": "children"}),
        ("heatmap level=teams", "heatmap", {"level": "teams"}),
        ("perception-gaps", "perception-gaps", {}),
        ("team-gaps level=teams", "team-gaps", {"level": "teams"}),
        ("desired-gap by=layer", "desired-gap", {"by": "layer"}),
        ("agreement level=teams", "agreement", {"level": "teams"}),
        ("trend (2 waves)", "trend", {"surveys": str(s.earlier_survey_id)}),
        ("readiness", "readiness", {}),
        ("response-rates level=teams", "response-rates", {"level": "teams"}),
        ("data-quality", "data-quality", {}),
    ]


# --- database --------------------------------------------------------------------------------------------------------

def libpq(url: str) -> str:
    """The SQLAlchemy URL as a libpq connection string."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def maintenance_url(url: str) -> str:
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    u = make_url(url)
    name = u.database
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing database name {name!r}")
    with psycopg.connect(libpq(maintenance_url(url)), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


@contextmanager
def bench_database(url: str, *, keep: bool = False) -> Iterator[str]:
    """A new, empty database for the run, dropped afterwards unless `keep`."""
    recreate_database(url)
    try:
        yield url
    finally:
        if keep:
            print(f"database kept: {url}")
        else:
            recreate_database(url, drop_only=True)


def stop_process(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """Terminate a server process, and kill it if it doesn't end within `timeout` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)


def raw_read(conn: psycopg.Connection, survey_id: uuid.UUID) -> tuple[float, int]:
    """The baseline: the plain query of the raw answers, fetched fully; (seconds, rows)."""
    t0 = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute(RAW_SQL, (survey_id,))
        rows = cur.fetchall()
    return time.perf_counter() - t0, len(rows)


# --- server ----------------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    base_url: str
    log: Path

    @classmethod
    def start(cls, url: str, log: Path) -> Server:
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "WORKERS": "1", "HOST": "127.0.0.1", "PORT": str(port),
               "LOG_LEVEL": "warning"}
        exe = Path(sys.executable).with_name("culturegap")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "app.cli"]
        out = log.open("wb")
        proc = subprocess.Popen([*cmd, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        server = cls(proc, f"http://127.0.0.1:{port}", log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"the server exited ({proc.returncode}); see {log}:\n{log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{server.base_url}/health", timeout=1).status_code == 200:
                    return server
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        server.stop()
        raise SystemExit(f"the server did not start within 60 s; see {log}")

    def status(self, field_name: str) -> int:
        """A /proc/<pid>/status figure in kB (0 where /proc is unavailable)."""
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def cpu_seconds(self) -> float:
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("nan")

    def stop(self) -> None:
        stop_process(self.proc, 20)


# --- measuring -------------------------------------------------------------------------------------------------------

@dataclass
class Timing:
    label: str
    cold: float = 0.0
    cold_cpu: float = 0.0
    warm: list[float] = field(default_factory=list)
    warm_cpu: float = 0.0  # server CPU per warm call (mean)
    size: int = 0
    submit: float = 0.0

    @property
    def warm_median(self) -> float:
        return statistics.median(self.warm)


class Bench:
    def __init__(self, server: Server, seeded: Seeded) -> None:
        self.server, self.s = server, seeded
        self.client = httpx.Client(base_url=server.base_url, timeout=300,
                                   headers={"Authorization": f"Bearer {seeded.admin_key}"})
        self.prefix = f"/api/v1/organisations/{seeded.organisation_id}/surveys/{seeded.survey_id}/reports"
        self.tokens = list(seeded.tokens)
        self.submitted = 0

    def get(self, path: str, params: dict[str, str]) -> tuple[float, float, int]:
        cpu0, t0 = self.server.cpu_seconds(), time.perf_counter()
        r = self.client.get(f"{self.prefix}/{path}", params=params)
        elapsed, cpu = time.perf_counter() - t0, self.server.cpu_seconds() - cpu0
        if r.status_code != 200:
            raise SystemExit(f"GET {path} {params} -> {r.status_code}: {r.text[:1000]}")
        return elapsed, cpu, len(r.content)

    def submit(self) -> float:
        """New responses published: PUBLISH_BATCH of them through the respondent's API (all in one team's employee
        group, so that a publication takes them: `app.responses.publication`), then the wave's close, which
        publishes them (and invalidates the cached answers), and its reopening. Returns the submissions' time."""
        if len(self.tokens) < PUBLISH_BATCH:
            raise SystemExit("out of invitation tokens")
        elapsed = 0.0
        for _ in range(PUBLISH_BATCH):
            token = self.tokens.pop()
            answers = {k: 1 + (i * 7 + self.submitted) % 5 for i, k in enumerate(self.s.item_keys)}
            t0 = time.perf_counter()
            r = httpx.post(f"{self.server.base_url}/api/v1/respond/submit", headers={"X-Survey-Token": token},
                           json={"language": "nl", "current": answers, "desired": answers}, timeout=60)
            elapsed += time.perf_counter() - t0
            if r.status_code != 201:
                raise SystemExit(f"submit -> {r.status_code}: {r.text[:500]}")
            self.submitted += 1
        survey = f"/api/v1/organisations/{self.s.organisation_id}/surveys/{self.s.survey_id}"
        for action in ("close", "reopen"):
            r = self.client.post(f"{survey}/{action}")
            if r.status_code != 200:
                raise SystemExit(f"{action} -> {r.status_code}: {r.text[:500]}")
        return elapsed / PUBLISH_BATCH

    def endpoint(self, label: str, path: str, params: dict[str, str], repeats: int) -> Timing:
        t = Timing(label)
        t.submit = self.submit()
        t.cold, t.cold_cpu, t.size = self.get(path, params)
        cpu = 0.0
        for _ in range(repeats):
            elapsed, c, _ = self.get(path, params)
            t.warm.append(elapsed)
            cpu += c
        t.warm_cpu = cpu / repeats
        return t


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _pg_version(conn: psycopg.Connection) -> str:
    row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


def _revision() -> str:
    """The commit measured, marked `+changes` when app/ differs from it."""
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "app"], cwd=ROOT, capture_output=True,
                               text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{rev}{' +changes in app/' if dirty else ''}" if rev else "unknown"


def calibration_ms() -> float:
    """CPU milliseconds of a fixed pure-Python loop (best of 5): how fast a core of this machine is right now. On a
    busy shared machine the same work costs more CPU time (shared caches and cores), which inflates every CPU figure
    of the run by about the same factor; compare runs by it."""
    best = float("inf")
    for _ in range(5):
        t0 = time.process_time()
        sum(i * i for i in range(1_000_000))
        best = min(best, time.process_time() - t0)
    return best * 1000


# --- report ----------------------------------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def print_report(res: dict[str, Any], timings: list[Timing], raw: float) -> None:
    s = res["seed"]
    print()
    print(f"Report endpoints through HTTP, PostgreSQL {res['postgres']}: {s['respondents']:,} respondents "
          f"(earlier wave {s['earlier_respondents']:,}), 30 items in 6 dimensions, {s['teams']} teams "
          f"({s['units']} units), 5 layers {s['layer_counts']}, {s['invitations']:,} invitations")
    print(f"baseline: plain read of the raw answers ({RAW_SQL.split(' WHERE')[0]} ...), psycopg fetchall, "
          f"{res['raw_rows']:,} rows: median {raw * 1000:.0f} ms of {len(res['raw_all'])} "
          f"(min {min(res['raw_all']) * 1000:.0f}, max {max(res['raw_all']) * 1000:.0f})")
    print()
    print("| endpoint | cold s | cold / raw | warm median s | warm / raw | server CPU cold / warm s | JSON KB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for t in timings:
        flag = " **over 2 s**" if max(t.cold, t.warm_median) > REPORT_TARGET_S else ""
        print(f"| {t.label}{flag} | {t.cold:.3f} | {t.cold / raw:.1f}x | {t.warm_median:.3f} | "
              f"{t.warm_median / raw:.2f}x | {t.cold_cpu:.2f} / {t.warm_cpu:.2f} | {t.size / 1024:.0f} |")
    print(f"| raw read (baseline) | {raw:.3f} | 1.0x | {raw:.3f} | 1.00x | | |")
    print()
    inv = res["invalidation"]
    print(f"first request after server start (imports, answers, anonymity map): readiness {res['first_call']:.3f} s")
    print(f"a new response: POST /respond/submit {inv['submit']:.3f} s; next readiness {inv['after']:.3f} s "
          f"({inv['after'] / raw:.1f}x raw; reloads answers and anonymity map), the one after {inv['again']:.3f} s")
    print(f"submit median over the run: {statistics.median(res['submits']):.3f} s")
    ready = next(t for t in timings if t.label == "readiness")
    print(f"targets: every report < {REPORT_TARGET_S:.0f} s cold: "
          f"{verdict(all(t.cold < REPORT_TARGET_S for t in timings))} (slowest cold "
          f"{max(t.cold for t in timings):.2f} s); readiness <= {READINESS_TARGET_RATIO:.0f}x raw read: cold "
          f"{ready.cold / raw:.1f}x ({verdict(ready.cold <= READINESS_TARGET_RATIO * raw)}), warm "
          f"{ready.warm_median / raw:.2f}x ({verdict(ready.warm_median <= READINESS_TARGET_RATIO * raw)})")
    print(f"server peak RSS (VmHWM) {res['server_vmhwm_mb']:.0f} MB, RSS at the end {res['server_vmrss_mb']:.0f} MB")
    m = res["machine"]
    print(f"machine: {m['cpu']}, {m['cores']} cores (shared), load average {m['load_before'][0]:.2f} before / "
          f"{m['load_after'][0]:.2f} after (1 min); python {m['python']}; code {m['revision']}; "
          f"seeding took {res['seed_seconds']:.0f} s; calibration loop {m['calibration_ms'][0]:.0f} / "
          f"{m['calibration_ms'][1]:.0f} ms CPU before / after (bench-load's: compares busy and quiet runs)")


def profile_in_process(url: str, seeded: Seeded, labels: set[str], top: int = 8) -> None:
    """Where the time goes: each chosen endpoint's route function called in this process on a fresh report context
    (as a request would, minus HTTP and serialisation) under cProfile, cold (answers and anonymity maps forgotten,
    as after a server start: colder than after a new response, which finds the previous maps) and warm; the top
    functions by own time."""
    os.environ["DATABASE_URL"] = url
    from app.exports.options import export_options
    from app.orgs.models import Organisation
    from app.reports import context as report_context
    from app.reports import data as report_data
    from app.reports import maps as report_maps
    from app.reports.router import router as report_router
    from app.surveys.models import Survey
    from app.units.tree import load_tree

    def leaves(routes: list[Any]) -> list[Any]:  # FastAPI may keep included routers as nodes of their own
        return [leaf for r in routes for leaf in (leaves(r.original_router.routes) if hasattr(r, "original_router")
                                                  else [r] if hasattr(r, "endpoint") else [])]

    routes = {r.path.rsplit("/", 1)[-1]: r.endpoint for r in leaves(list(report_router.routes))}
    engine = create_engine(url)
    with Session(engine) as session:
        org = session.get_one(Organisation, seeded.organisation_id)
        survey = session.get_one(Survey, seeded.survey_id)

        def call(path: str, params: dict[str, str]) -> None:
            ctx = report_context.build_context(session, org, survey, load_tree(session, org.id), None)
            fn = routes[path]
            wanted = inspect.signature(fn).parameters
            kwargs: dict[str, Any] = {k: v for k, v in params.items() if k in wanted}
            if "session" in wanted:
                kwargs["session"] = session
            if "out" in wanted:  # the export option: JSON, as the timed HTTP calls ask
                kwargs["out"] = export_options()
            fn(ctx=ctx, **kwargs)

        for label, path, params in endpoints(seeded):
            if label not in labels:
                continue
            call(path, params)
            for state in ("cold", "warm"):
                if state == "cold":  # answers and maps again (the tree's layout is kept)
                    report_data._cache.clear()
                    report_maps.clear()
                prof = cProfile.Profile()
                t0 = time.perf_counter()
                prof.runcall(call, path, params)
                elapsed = time.perf_counter() - t0
                stats = pstats.Stats(prof, stream=io.StringIO()).stats  # type: ignore[attr-defined]
                rows = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
                print(f"\nprofile of {label}, {state}: {elapsed:.2f} s under cProfile; top {top} by own time:")
                for (file, line, func), (_, calls, own, cumulative, _) in rows:
                    where = file.split("/site-packages/")[-1].replace(str(ROOT) + "/", "")
                    print(f"  {own:6.3f} s own {cumulative:6.3f} s cum {calls:>8} calls  {where}:{line}({func})")
    engine.dispose()


def measure(url: str, respondents: int, teams: int, repeats: int) -> tuple[dict[str, Any], list[Timing], Seeded]:
    """Seed, then time the raw read, the server's report endpoints and a new response's invalidation."""
    load_before, calibration_before = os.getloadavg(), calibration_ms()
    upgrade(url)
    engine = create_engine(url)
    t0 = time.perf_counter()
    with Session(engine) as session, psycopg.connect(libpq(url)) as conn:
        seeded = seed(session, conn, respondents=respondents, earlier_respondents=respondents, teams=teams,
                      spare_tokens=(len(endpoints_placeholder()) + 10) * PUBLISH_BATCH)
        pg = _pg_version(conn)
    seed_seconds = time.perf_counter() - t0
    engine.dispose()
    print(f"seeded in {seed_seconds:.0f} s: {respondents:,} + {respondents:,} respondents, {teams} teams", flush=True)

    with psycopg.connect(libpq(url), autocommit=True) as raw_conn:
        raw_times = [raw_read(raw_conn, seeded.survey_id) for _ in range(5)]
        log = Path(tempfile.gettempdir()) / f"bench_reports_server_{os.getpid()}.log"
        server = Server.start(url, log)
        try:
            bench = Bench(server, seeded)
            first_call = bench.get("readiness", {})[0]
            timings = []
            for label, path, params in endpoints(seeded):
                timings.append(bench.endpoint(label, path, params, repeats))
                print(f"  {label}: cold {timings[-1].cold:.3f} s, warm {timings[-1].warm_median:.3f} s", flush=True)
            submit = bench.submit()
            after = bench.get("readiness", {})[0]
            again = bench.get("readiness", {})[0]
            vmhwm, vmrss = server.status("VmHWM"), server.status("VmRSS")
        finally:
            server.stop()
        log.unlink(missing_ok=True)
        raw_times += [raw_read(raw_conn, seeded.survey_id) for _ in range(5)]
    raw_rows = raw_times[0][1]
    raw_all = [t for t, _ in raw_times]
    raw = statistics.median(raw_all)
    res: dict[str, Any] = {
        "seed": {"respondents": seeded.respondents, "earlier_respondents": seeded.earlier_respondents,
                 "teams": seeded.teams, "units": seeded.units, "invitations": seeded.invitations,
                 "layer_counts": seeded.layer_counts},
        "postgres": pg, "seed_seconds": seed_seconds, "raw_rows": raw_rows, "raw_all": raw_all,
        "raw_median": raw, "first_call": first_call,
        "invalidation": {"submit": submit, "after": after, "again": again},
        "submits": [t.submit for t in timings] + [submit],
        "endpoints": [{"label": t.label, "cold": t.cold, "warm_median": t.warm_median, "warm": t.warm,
                       "cold_cpu": t.cold_cpu, "warm_cpu": t.warm_cpu, "bytes": t.size,
                       "cold_ratio": t.cold / raw, "warm_ratio": t.warm_median / raw} for t in timings],
        "server_vmhwm_mb": vmhwm / 1024, "server_vmrss_mb": vmrss / 1024,
        "machine": {"cpu": _cpu_model(), "cores": os.cpu_count(), "python": platform.python_version(),
                    "load_before": load_before, "load_after": os.getloadavg(), "revision": _revision(),
                    "calibration_ms": [calibration_before, calibration_ms()]},
    }
    return res, timings, seeded


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="10,000 respondents per wave and 50 teams")
    ap.add_argument("--respondents", type=int, help="respondents of each wave (default 100,000)")
    ap.add_argument("--teams", type=int, help="teams (default 500)")
    ap.add_argument("--repeats", type=int, default=5, help="warm calls per endpoint (default 5, at most 50)")
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    ap.add_argument("--profile", nargs="?", const="over", choices=["over", "all"],
                    help="then profile endpoints in-process with cProfile: those over the 2 s target (the "
                         "default) or all")
    args = ap.parse_args()
    respondents = args.respondents or (10_000 if args.quick else 100_000)
    teams = args.teams or (50 if args.quick else 500)
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    with bench_database(url, keep=args.keep):
        res, timings, seeded = measure(url, respondents, teams, max(1, min(args.repeats, 50)))
        print_report(res, timings, res["raw_median"])
        if args.json:
            args.json.write_text(json.dumps(res, indent=2, default=str))
        if args.profile:
            profile_in_process(url, seeded, {t.label for t in timings if args.profile == "all"
                                             or max(t.cold, t.warm_median) > REPORT_TARGET_S})


def endpoints_placeholder() -> list[tuple[str, str, dict[str, str]]]:
    """The endpoint list before the seed exists (to know how many spare tokens to issue)."""
    return endpoints(Seeded(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), "", [], [], 0, 0, 0, 0, 0))


if __name__ == "__main__":
    main()
