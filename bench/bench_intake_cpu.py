"""The server's CPU per respondent without HTTP or the load generator: ``python bench/bench_intake_cpu.py``.

`bench_load.py` measures the whole stack, but on a shared machine its rates move with the neighbours, and only
the CPU per respondent it prints is worth comparing. This replays the same respondent (``GET /api/v1/respond``
with a fresh token, then ``POST /api/v1/respond/submit`` with 30 items in both frames) straight through the ASGI
app in one process, with ``--concurrency`` respondents in flight on one uvloop loop, against its own PostgreSQL
database (``LOAD_BENCH_DATABASE_URL``, default ``.../culturegap_intake_cpu``; dropped at the end), rate limiter on
as in ``bench_load.py --rate-limit``. Rounds alternate between the service and the floor (bench/_floor_app.py) in
the same process, and each round prints the process's CPU time (``time.process_time``: this process only, so the
neighbours change it little) per respondent. Their difference is what the service adds to the floor, less what
uvicorn and the kernel cost both alike. ``--profile PREFIX`` writes a cProfile (in CPU time) of each app's rounds
to PREFIX.service and PREFIX.floor.

``--instructions`` counts instead of timing: each app replays ``--warmup`` then ``--respondents`` respondents in a
process of its own under valgrind's callgrind, which dumps its counts before and after the measured respondents
(``callgrind_control``), and the instructions executed per respondent are printed for both. On a shared machine,
where CPU time per respondent moves by a third between rounds, the count is repeatable to about 2 % (what the
event loop and the pool do while they wait varies a little), and it runs about 30 times slower than the replay.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/culturegap_intake_cpu"
URL = os.environ.get("LOAD_BENCH_DATABASE_URL", DEFAULT_URL)
# Before the app reads its settings: the limiter on with limits out of reach, no scheduled rounds in the process.
os.environ.update({"DATABASE_URL": URL, "RESPOND_RATE_LIMIT": str(10**9), "RESPOND_FAILED_LIMIT": str(10**9),
                   "WORKER_INTERVAL": "0", "LOG_LEVEL": "warning"})

import uvloop  # noqa: E402

from bench._load_client import RESPOND, answers  # noqa: E402
from bench.bench_load import prepare  # noqa: E402
from bench.bench_reports import bench_database  # noqa: E402

App = Any


def scope(method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    """What uvicorn hands the app for a request on a keep-alive loopback connection."""
    return {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
            "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000), "scheme": "http", "method": method,
            "root_path": "", "path": path, "raw_path": path.encode(), "query_string": query, "headers": headers,
            "state": {}}


async def call(app: App, request: dict[str, Any], body: bytes = b"") -> int:
    sent: list[dict[str, Any]] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # no disconnect while the request runs
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(request, receive, send)
    return int(sent[0]["status"])


async def respondent(app: App, index: int, token: str, item_keys: list[str]) -> bool:
    host = [(b"host", b"127.0.0.1:8000"), (b"x-survey-token", token.encode())]
    got = await call(app, scope("GET", RESPOND, b"lang=nl", host))
    current, desired = answers(index, item_keys)
    body = json.dumps({"language": "nl", "current": current, "desired": desired}).encode()
    headers = [*host, (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    sent = await call(app, scope("POST", f"{RESPOND}/submit", b"", headers), body)
    return got == 200 and sent == 201


async def run_round(app: App, jobs: list[tuple[int, str]], item_keys: list[str], concurrency: int) -> float:
    """CPU seconds of this process per respondent for `jobs`."""
    todo = iter(jobs)
    failed = 0

    async def worker() -> None:
        nonlocal failed
        for index, token in todo:
            if not await respondent(app, index, token, item_keys):
                failed += 1

    cpu = time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    cpu = time.process_time() - cpu
    if failed:
        raise SystemExit(f"{failed} respondents failed")
    return cpu / len(jobs)


async def main_async(args: argparse.Namespace) -> None:
    from app.main import create_app
    from app.pgasync import close_loop_pools
    from bench._floor_app import app as floor

    prepared = prepare(URL, args.warmup * 2 + args.respondents * args.rounds * 2)
    apps = {"service": create_app(), "floor": floor}
    tokens = iter(enumerate(prepared.tokens))
    profiles = {name: cProfile.Profile(time.process_time) for name in apps} if args.profile else {}  # CPU time
    for app in apps.values():  # warm-up: pools, caches, prepared statements
        await run_round(app, [next(tokens) for _ in range(args.warmup)], prepared.item_keys, args.concurrency)
    figures: dict[str, list[float]] = {name: [] for name in apps}
    for r in range(args.rounds):
        for name, app in (apps.items() if r % 2 == 0 else reversed(apps.items())):
            jobs = [next(tokens) for _ in range(args.respondents)]
            if profiles:
                profiles[name].enable()
            figures[name].append(await run_round(app, jobs, prepared.item_keys, args.concurrency))
            if profiles:
                profiles[name].disable()
            print(f"round {r + 1} {name:>7}: {figures[name][-1] * 1e6:6.0f} µs CPU per respondent", flush=True)
    await close_loop_pools()
    service, floor_cpu = (statistics.median(figures[n]) * 1e6 for n in ("service", "floor"))
    print(f"median: service {service:.0f} µs, floor {floor_cpu:.0f} µs, the service adds {service - floor_cpu:.0f} "
          f"µs per respondent ({args.rounds} rounds of {args.respondents:,} respondents each, {args.concurrency} "
          "in flight)")
    for name, profile in profiles.items():
        profile.dump_stats(f"{args.profile}.{name}")
        print(f"profile of the {name}'s rounds: {args.profile}.{name}")


async def replay_one(app_name: str, keys: list[str], tokens: list[tuple[int, str]], warmup: int,
                     concurrency: int) -> None:
    """One app's replay in this process, run by valgrind (`--instructions`): dumps its counts around the measured
    respondents."""
    from app.pgasync import close_loop_pools

    if app_name == "service":
        from app.main import create_app

        app: App = create_app()
    else:
        from bench._floor_app import app
    await run_round(app, tokens[:warmup], keys, concurrency)
    dump = ["callgrind_control", "--dump", "", str(os.getpid())]
    subprocess.run([*dump[:2], "warm-up", *dump[3:]], check=True, capture_output=True)
    await run_round(app, tokens[warmup:], keys, concurrency)
    subprocess.run([*dump[:2], "measured", *dump[3:]], check=True, capture_output=True)
    await close_loop_pools()


def count_instructions(args: argparse.Namespace) -> None:
    per_app = args.warmup + args.respondents
    prepared = prepare(URL, 2 * per_app)
    counts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n, name in enumerate(("floor", "service")):
            jobs = Path(tmp, f"{name}.json")
            jobs.write_text(json.dumps({"keys": prepared.item_keys,
                                        "tokens": list(enumerate(prepared.tokens))[n * per_app:(n + 1) * per_app]}))
            out = Path(tmp, f"callgrind.{name}")
            subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
                            __file__, "--replay-one", name, "--jobs", str(jobs), "--warmup", str(args.warmup),
                            "--concurrency", str(args.concurrency)], check=True, capture_output=True)
            measured = Path(f"{out}.2").read_text()  # the second dump: the measured respondents
            counts[name] = int(next(line.split()[1] for line in measured.splitlines()
                                    if line.startswith("summary:"))) / args.respondents
            print(f"{name:>7}: {counts[name]:,.0f} instructions per respondent", flush=True)
    print(f"the service executes {counts['service'] / counts['floor']:.2f}x the floor's instructions, "
          f"{counts['service'] - counts['floor']:,.0f} more per respondent ({args.respondents:,} respondents "
          f"after {args.warmup:,}, {args.concurrency} in flight)")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--respondents", type=int, default=2_000, help="respondents per round (default 2,000)")
    ap.add_argument("--rounds", type=int, default=5, help="rounds of each app, alternating (default 5)")
    ap.add_argument("--warmup", type=int, default=300, help="respondents per app before the rounds (default 300)")
    ap.add_argument("--concurrency", type=int, default=16, help="respondents in flight (default 16)")
    ap.add_argument("--profile", metavar="PREFIX",
                    help="write a cProfile of each app's rounds to PREFIX.service and PREFIX.floor")
    ap.add_argument("--instructions", action="store_true",
                    help="count instructions per respondent under callgrind instead (try --respondents 200 "
                         "--warmup 100)")
    ap.add_argument("--replay-one", choices=("service", "floor"), help=argparse.SUPPRESS)
    ap.add_argument("--jobs", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.replay_one:  # a child of --instructions, under valgrind, on its parent's database
        jobs = json.loads(Path(args.jobs).read_text())
        uvloop.run(replay_one(args.replay_one, jobs["keys"], [tuple(t) for t in jobs["tokens"]], args.warmup,
                              args.concurrency))
        return
    with bench_database(URL):
        if args.instructions:
            count_instructions(args)
        else:
            uvloop.run(main_async(args))


if __name__ == "__main__":
    main()
