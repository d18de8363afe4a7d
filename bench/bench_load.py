"""Load benchmark of response intake on PostgreSQL: ``python bench/bench_load.py`` (or ``make bench-load``).

It creates its own database (``LOAD_BENCH_DATABASE_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/culturegap_load_bench``; dropped at the end unless ``--keep``),
migrates it, creates one organisation with 20 teams, a 30-item questionnaire in 6 dimensions, an open survey that
asks both frames (how it is, how it should be) and one fresh invitation token per respondent of the run, then
starts the real server (``culturegap serve``, ``--workers`` processes, default 2) on a free loopback port, with the
rate limiter off, or with ``--rate-limit`` on and every request counted (limits out of reach).

Then, with ``--clients`` load-generating processes (httpx.AsyncClient on uvloop, ``--concurrency`` connections
in all, each a closed loop):

1. warm-up: ``--warmup`` respondents, not timed;
2. the trivial endpoint: ``GET /health`` ``--health-requests`` times: the ceiling that the framework, the HTTP
   stack and this load generator set on this machine;
3. the run: ``--submissions`` respondents, each fetching the questionnaire (``GET /api/v1/respond``) and then
   submitting 30 items in both frames (``POST /api/v1/respond/submit``) with its own token;
4. ``/health`` once more, to see whether the ceiling moved during the run.

Then it checks the database: responses stored == 201s received == invitations marked used, and the multiset of
stored answers equals that of the acknowledged submissions (each respondent's answers follow from its index), so
every acknowledged response is stored exactly once and nothing else was. It prints throughput, latency
percentiles, errors, the ratio to ``/health``, the CPU each party used (server workers, PostgreSQL backends, the
load generator, everything else on the machine) and every worker's RSS at the start, middle and end of the run.
Everything runs on loopback; every loop is bounded in count, and the run in time (``--max-seconds``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from array import array
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import app.models  # noqa: E402, F401  (every table known to the ORM)
from app.db import utcnow  # noqa: E402
from app.invitations.service import hash_token  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.orgs import service as org_service  # noqa: E402
from app.questionnaires import service as questionnaire_service  # noqa: E402
from app.responses.codec import pack  # noqa: E402
from app.surveys.models import Survey, SurveyStatus  # noqa: E402
from app.units.models import Unit  # noqa: E402
from bench._load_client import answers, run_client  # noqa: E402
from bench._seed import questionnaire_in  # noqa: E402
from bench.bench_reports import (  # noqa: E402
    _cpu_model,
    bench_database,
    calibration_ms,
    free_port,
    libpq,
    stop_process,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/culturegap_load_bench"
TEAMS = 20
START_SECONDS = 180  # a loaded machine (shared CI cores) can take a minute to import the app in each worker
TARGET_RATE, TARGET_P99_MS, TARGET_SHARE = 1000.0, 100.0, 1 / 3
CLIENTS = {"httpx": "httpx.AsyncClient", "raw": "raw keep-alive connections (httptools)"}
# The rate limiter: switched off (default), or on with limits out of the run's reach (--rate-limit), so that every
# request pays for its count as in production; all the run's requests come from one address, like an office behind
# one NAT, so they all count on one row.
RATE_LIMITS = {False: {"RESPOND_RATE_LIMIT": "0"},
               True: {"RESPOND_RATE_LIMIT": str(10**9), "RESPOND_FAILED_LIMIT": str(10**9)}}


# --- database --------------------------------------------------------------------------------------------------------

@dataclass
class Prepared:
    survey_id: uuid.UUID
    item_keys: list[str]
    tokens: list[str]


def prepare(url: str, respondents: int) -> Prepared:
    """The organisation, its teams, a 30-item questionnaire, an open survey and one token per respondent."""
    upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        organisation = org_service.create_organisation(session, name="Load benchmark municipality")
        layers = [layer.id for layer in org_service.list_layers(session, organisation)]
        questionnaire = questionnaire_service.create_questionnaire(session, organisation, questionnaire_in())
        teams = [Unit(id=uuid.uuid4(), organisation_id=organisation.id, name=f"Team {t + 1}") for t in range(TEAMS)]
        survey = Survey(organisation_id=organisation.id, questionnaire_id=questionnaire.id, title="Intake",
                        languages=["en", "nl"], ask_desired=True, min_group_size=5, status=SurveyStatus.open,
                        opened_at=utcnow() - timedelta(hours=1))
        session.add_all([*teams, survey])
        session.flush()
        definition = questionnaire_service.load_definition(session, questionnaire.id)
        session.commit()
        prepared = Prepared(survey.id, [item.key for item in definition.items],
                            [secrets.token_urlsafe(32) for _ in range(respondents)])
        team_ids = [team.id for team in teams]
    engine.dispose()
    now = utcnow()
    with psycopg.connect(libpq(url)) as conn, conn.cursor() as cur, cur.copy(
            "COPY invitations (id, survey_id, unit_id, layer_id, token_hash, created_at) FROM STDIN") as copy:
        for n, token in enumerate(prepared.tokens):
            copy.write_row((uuid.uuid4(), prepared.survey_id, team_ids[n % TEAMS], layers[n % len(layers)],
                            hash_token(token), now))
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute("ANALYZE")
    return prepared


def stored(url: str, survey_id: uuid.UUID) -> tuple[int, int, Counter[bytes]]:
    """(responses, used invitations, multiset of stored current+desired answers) of the survey."""
    with psycopg.connect(libpq(url)) as conn:
        rows = conn.execute("SELECT current, desired FROM responses WHERE survey_id = %s", (survey_id,)).fetchall()
        used = conn.execute("SELECT count(*) FROM used_tokens WHERE survey_id = %s",
                            (survey_id,)).fetchone()
    return len(rows), int(used[0]) if used else 0, Counter(bytes(c) + bytes(d) for c, d in rows)


def expected_blob(index: int, item_keys: list[str]) -> bytes:
    current, desired = answers(index, item_keys)
    return pack([current[k] for k in item_keys]) + pack([desired[k] for k in item_keys])


def backend_pids(url: str) -> list[int]:
    with psycopg.connect(libpq(url)) as conn:
        return [int(r[0]) for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                                "AND pid <> pg_backend_pid()").fetchall()]


# --- processes -------------------------------------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy since boot (all cores)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    base_url: str
    workers: list[int]

    @classmethod
    def start(cls, url: str, workers: int, log: Path, *, rate_limit: bool, floor: bool) -> Server:
        port = free_port()
        env = {**os.environ, **RATE_LIMITS[rate_limit], "DATABASE_URL": url, "WORKERS": str(workers),
               "HOST": "127.0.0.1", "PORT": str(port), "LOG_LEVEL": "warning"}
        if floor:  # the bare ASGI app of bench/_floor_app.py on the same uvicorn
            cmd = [sys.executable, "-m", "uvicorn", "bench._floor_app:app", "--host", "127.0.0.1", "--port",
                   str(port), "--workers", str(workers), "--no-access-log", "--log-level", "warning"]
        else:  # `python -m` from this checkout: the `culturegap` script would import whichever checkout installed it
            cmd = [sys.executable, "-m", "app.cli", "serve"]
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"the server exited ({proc.returncode}); see {log}:\n{log.read_text()[-2000:]}")
            # One worker serves in the `serve` process itself; several are its children.
            pids = ([proc.pid] if workers == 1 else
                    [p for p in children(proc.pid) if b"resource_tracker" not in _cmdline(p)])
            if len(pids) >= workers and _answers(base_url):
                return cls(proc, base_url, sorted(pids)[:workers])
            time.sleep(0.2)
        proc.kill()
        raise SystemExit(f"the server did not start within {START_SECONDS} s; see {log}")

    def stop(self) -> None:
        stop_process(self.proc, 30)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _answers(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


# --- load ------------------------------------------------------------------------------------------------------------

@dataclass
class Phase:
    """The merged outcome of all client processes for one phase."""

    seconds: float
    statuses: Counter[str]
    latency: dict[str, list[float]]
    acknowledged: list[int]
    failures: list[str]
    client_cpu: float
    extra: dict[str, Any] = field(default_factory=dict)

    def pct(self, kind: str, q: float) -> float:
        values = sorted(self.latency[kind])
        return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else float("nan")

    @property
    def errors(self) -> int:
        good = {"GET 200", "POST 201", "GET /health 200"}
        return sum(n for status, n in self.statuses.items() if status not in good)


def run_phase(pool: ProcessPoolExecutor, server: Server, jobs: list[tuple[int, str]] | int, item_keys: list[str],
              clients: int, concurrency: int, client_kind: str) -> Phase:
    """Split the jobs over the client processes, start them together and merge what they saw."""
    start_at = time.time() + 1.0
    per = [concurrency // clients + (1 if c < concurrency % clients else 0) for c in range(clients)]
    shares: list[list[tuple[int, str]] | int] = (
        [jobs[c::clients] for c in range(clients)] if isinstance(jobs, list)
        else [jobs // clients + (1 if c < jobs % clients else 0) for c in range(clients)])
    futures = [pool.submit(run_client, server.base_url, share, item_keys, max(1, n), start_at, client_kind)
               for share, n in zip(shares, per, strict=True)]
    results = [f.result() for f in futures]
    statuses: Counter[str] = Counter()
    latency: dict[str, list[float]] = {"fetch": [], "submit": [], "health": []}
    acknowledged: list[int] = []
    for r in results:
        statuses.update(r["statuses"])
        for kind in latency:
            latency[kind].extend(array("d", r[kind]))
        acknowledged.extend(array("q", r["acknowledged"]))
    seconds = max(r["finished"] for r in results) - min(r["started"] for r in results)
    return Phase(seconds, statuses, latency, acknowledged, [f for r in results for f in r["failures"]],
                 sum(r["cpu_seconds"] for r in results))


class Sampler(threading.Thread):
    """Every worker's RSS every half second during the run."""

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.pids, self.stop_event = pids, threading.Event()
        self.samples: list[tuple[float, list[float]]] = []

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.samples.append((time.time(), [rss_mb(p) for p in self.pids]))
            self.stop_event.wait(0.5)

    def start_middle_end(self) -> list[tuple[float, list[float]]]:
        s = self.samples
        return [s[0], s[len(s) // 2], s[-1]] if s else []


# --- report ----------------------------------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def print_report(res: dict[str, Any]) -> None:
    run, health = res["run"], res["health"]
    print()
    server = "the service" if res["server"] == "service" else "the FLOOR (bare ASGI app, bench/_floor_app.py)"
    print(f"Response intake through HTTP by {server}, PostgreSQL {res['postgres']}, {res['workers']} server workers, "
          f"{res['clients']} client processes x {CLIENTS[res['client']]}, {res['concurrency']} connections in all, "
          f"rate limiter {'on (every request counted, one address)' if res['rate_limit'] else 'off'}")
    print(f"run: {run['respondents']:,} respondents (fetch the questionnaire, submit 30 items x 2 frames) in "
          f"{run['seconds']:.1f} s: **{run['rate']:,.0f} submissions/s** ({run['requests_rate']:,.0f} requests/s)")
    for kind in ("submit", "fetch"):
        p = run["latency_ms"][kind]
        print(f"  {kind:>6} latency ms: p50 {p['p50']:.1f}  p95 {p['p95']:.1f}  p99 {p['p99']:.1f}  max {p['max']:.1f}")
    print(f"  errors: {run['errors']} {run['statuses']}")
    for f in run["failures"][:5]:
        print(f"    {f}")
    hp = health["latency_ms"]
    print(f"trivial endpoint GET /health: {health['rate']:,.0f} requests/s before the run, "
          f"{res['health_after']['rate']:,.0f} after (p50 {hp['p50']:.1f} ms, p99 {hp['p99']:.1f} ms)")
    print(f"ratio: submissions/s / mean /health requests/s = {res['share']:.2f} "
          f"(requests/s ratio {res['request_share']:.2f})")
    c = res["check"]
    print(f"check: {c['acknowledged']:,} acknowledged (201), {c['responses']:,} responses stored, "
          f"{c['used']:,} invitations used, stored answers equal the acknowledged ones: {c['answers_match']} -> "
          f"{'OK' if c['ok'] else 'FAILED'}")
    cpu = res["cpu"]
    print(f"CPU seconds while the run's processes ran ({cpu['window']:.1f} s x {res['machine']['cores']} cores = "
          f"{cpu['window'] * res['machine']['cores']:.0f} available): server workers {cpu['workers']:.1f}, "
          f"PostgreSQL backends {cpu['postgres']:.1f}, load generator {cpu['clients']:.1f}, "
          f"everything else on the machine {cpu['other']:.1f}; per submission: server "
          f"{cpu['workers'] / max(1, run['respondents']) * 1e3:.2f} ms, PostgreSQL "
          f"{cpu['postgres'] / max(1, run['respondents']) * 1e3:.2f} ms, client "
          f"{cpu['clients'] / max(1, run['respondents']) * 1e3:.2f} ms")
    print("worker RSS MB at start / middle / end of the run:")
    for w, series in enumerate(res["rss"]):
        print(f"  worker {w + 1}: " + " / ".join(f"{v:.0f}" for v in series))
    print(f"targets: >= {TARGET_RATE:,.0f} submissions/s: {verdict(run['rate'] >= TARGET_RATE)}; p99 < "
          f"{TARGET_P99_MS:.0f} ms (submit {run['latency_ms']['submit']['p99']:.0f}, fetch "
          f"{run['latency_ms']['fetch']['p99']:.0f}): "
          f"{verdict(max(run['latency_ms'][k]['p99'] for k in ('submit', 'fetch')) < TARGET_P99_MS)}; "
          f"no errors: {verdict(run['errors'] == 0)}; >= 1/3 of /health: {verdict(res['share'] >= TARGET_SHARE)}")
    m = res["machine"]
    print(f"machine: {m['cpu']}, {m['cores']} cores (shared), load average {m['load_before'][0]:.2f} before / "
          f"{m['load_after'][0]:.2f} after (1 min); python {m['python']}; calibration loop "
          f"{m['calibration_ms'][0]:.0f} / {m['calibration_ms'][1]:.0f} ms CPU before / after")


def latency_summary(phase: Phase, kinds: tuple[str, ...]) -> dict[str, dict[str, float]]:
    return {k: {"p50": phase.pct(k, 0.5), "p95": phase.pct(k, 0.95), "p99": phase.pct(k, 0.99),
                "max": max(phase.latency[k], default=float("nan")) * 1000} for k in kinds}


# --- main ------------------------------------------------------------------------------------------------------------

def measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    load_before, calibration_before = os.getloadavg(), calibration_ms()
    total = args.warmup + args.submissions
    prepared = prepare(url, total)
    jobs = list(enumerate(prepared.tokens))
    warmup, main_jobs = jobs[:args.warmup], jobs[args.warmup:]
    log = Path(tempfile.gettempdir()) / f"bench_load_server_{os.getpid()}.log"
    server = Server.start(url, args.workers, log, rate_limit=args.rate_limit, floor=args.server == "floor")
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(args.clients, mp_context=context) as pool:
            def phase(jobs: list[tuple[int, str]] | int) -> Phase:
                return run_phase(pool, server, jobs, prepared.item_keys, args.clients, args.concurrency, args.client)

            warm = phase(warmup)
            health = phase(args.health_requests)
            pg = backend_pids(url)
            sampler = Sampler(server.workers)
            cpu0 = ([cpu_seconds(p) for p in server.workers], [cpu_seconds(p) for p in pg], machine_busy_seconds(),
                    time.monotonic())
            sampler.start()
            run = phase(main_jobs)
            sampler.stop_event.set()
            sampler.join()
            pg_after = backend_pids(url)
            cpu1 = ([cpu_seconds(p) for p in server.workers], [cpu_seconds(p) for p in pg], machine_busy_seconds(),
                    time.monotonic())
            health_after = phase(args.health_requests)
    finally:
        server.stop()
    log.unlink(missing_ok=True)
    responses, used, blobs = stored(url, prepared.survey_id)
    acknowledged = warm.acknowledged + run.acknowledged
    expected = Counter(expected_blob(i, prepared.item_keys) for i in acknowledged)
    workers_cpu = sum(cpu1[0]) - sum(cpu0[0])
    pg_cpu = sum(cpu1[1]) - sum(cpu0[1])
    busy = cpu1[2] - cpu0[2]
    rate = len(main_jobs) / run.seconds
    requests = run.statuses.total()
    with psycopg.connect(libpq(url)) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return {
        "workers": args.workers, "clients": args.clients, "concurrency": args.concurrency, "client": args.client,
        "rate_limit": args.rate_limit, "server": args.server,
        "postgres": row[0] if row else "?",
        "run": {"respondents": len(main_jobs), "seconds": run.seconds, "rate": rate,
                "requests_rate": requests / run.seconds, "errors": run.errors, "statuses": dict(run.statuses),
                "failures": run.failures, "latency_ms": latency_summary(run, ("submit", "fetch"))},
        "warmup": {"respondents": len(warmup), "errors": warm.errors, "statuses": dict(warm.statuses)},
        "health": {"requests": args.health_requests, "rate": args.health_requests / health.seconds,
                   "errors": health.errors, "latency_ms": latency_summary(health, ("health",))["health"]},
        "health_after": {"rate": args.health_requests / health_after.seconds, "errors": health_after.errors},
        "share": rate / statistics.mean([args.health_requests / health.seconds,
                                         args.health_requests / health_after.seconds]),
        "request_share": (requests / run.seconds) / statistics.mean([args.health_requests / health.seconds,
                                                                     args.health_requests / health_after.seconds]),
        "check": {"acknowledged": len(acknowledged), "responses": responses, "used": used,
                  "answers_match": blobs == expected,
                  "ok": responses == used == len(acknowledged) and blobs == expected},
        "cpu": {"workers": workers_cpu, "postgres": pg_cpu, "clients": run.client_cpu,
                "other": busy - workers_cpu - pg_cpu - run.client_cpu, "pg_backends": len(set(pg) | set(pg_after)),
                "window": cpu1[3] - cpu0[3]},
        "rss": [list(col) for col in zip(*[values for _, values in sampler.start_middle_end()], strict=True)],
        "machine": {"cpu": _cpu_model(), "cores": os.cpu_count(), "python": platform.python_version(),
                    "load_before": load_before, "load_after": os.getloadavg(),
                    "calibration_ms": [calibration_before, calibration_ms()]},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--submissions", type=int, default=20_000, help="respondents in the timed run (default 20,000)")
    ap.add_argument("--warmup", type=int, default=2_000, help="respondents before the timed run (default 2,000)")
    ap.add_argument("--health-requests", type=int, default=20_000, help="GET /health calls (default 20,000)")
    ap.add_argument("--workers", type=int, default=2, help="server worker processes (default 2)")
    ap.add_argument("--clients", type=int, default=2, help="load-generating processes (default 2)")
    ap.add_argument("--concurrency", type=int, default=32, help="connections in all (default 32)")
    ap.add_argument("--client", choices=["httpx", "raw"], default="httpx",
                    help="the load generator: httpx.AsyncClient (default), or raw keep-alive connections parsed with "
                         "httptools, which cost the shared CPUs a fraction as much")
    ap.add_argument("--server", choices=["service", "floor"], default="service",
                    help="the service (default), or the floor: a bare ASGI app doing the same database work "
                         "(bench/_floor_app.py), to see what the stack itself allows on this machine")
    ap.add_argument("--rate-limit", action="store_true",
                    help="keep the rate limiter on (limits out of reach: every request is counted, on one row)")
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    ap.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args()
    if min(args.submissions, args.warmup + 1, args.health_requests, args.workers, args.clients) < 1:
        ap.error("counts must be positive")
    url = os.environ.get("LOAD_BENCH_DATABASE_URL", DEFAULT_URL)
    with bench_database(url, keep=args.keep):
        res = measure(url, args)
        print_report(res)
        if args.json:
            args.json.write_text(json.dumps(res, indent=2, default=str))
        if not res["check"]["ok"]:
            raise SystemExit("the database does not hold exactly the acknowledged responses")


if __name__ == "__main__":
    main()
