"""One load-generating process of `bench_load.py`: an asyncio loop (uvloop) with one httpx.AsyncClient and
`concurrency` tasks that each take the next job and run it to the end before taking another (a closed loop, so the
offered load follows the server's pace instead of piling up).

A job is either a respondent — fetch the questionnaire with a fresh token, then submit a 30-item response in both
frames — or one `GET /health`. The answers of respondent `index` follow from the index alone (`answers`), so the
parent can tell which stored responses were acknowledged without any link from a response to its token.
"""

from __future__ import annotations

import asyncio
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

RESPOND = "/api/v1/respond"


def answers(index: int, item_keys: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """The current and desired answers of respondent `index`: scale points 1..5 that vary with the index."""
    mixed = (index * 2654435761) & 0xFFFFFFFF
    current = {key: 1 + (mixed >> (j % 16)) % 5 for j, key in enumerate(item_keys)}
    desired = {key: min(5, value + (j + index) % 2) for j, (key, value) in enumerate(current.items())}
    return current, desired


@dataclass
class Outcome:
    """What one client process saw. Latencies in seconds, per request kind; `acknowledged` holds the indexes of
    the respondents whose submission got 201."""

    statuses: Counter[str] = field(default_factory=Counter)
    fetch_latency: array[float] = field(default_factory=lambda: array("d"))
    submit_latency: array[float] = field(default_factory=lambda: array("d"))
    health_latency: array[float] = field(default_factory=lambda: array("d"))
    acknowledged: array[int] = field(default_factory=lambda: array("q"))
    failures: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    cpu_seconds: float = 0.0


async def _respondent(client: Any, index: int, token: str, item_keys: list[str], out: Outcome) -> None:
    headers = {"X-Survey-Token": token}
    t0 = time.perf_counter()
    got = await client.get(RESPOND, params={"lang": "nl"}, headers=headers)
    t1 = time.perf_counter()
    out.fetch_latency.append(t1 - t0)
    out.statuses[f"GET {got.status_code}"] += 1
    if got.status_code != 200:
        _note(out, f"GET {got.status_code}: {got.text[:200]}")
        return
    current, desired = answers(index, item_keys)
    body = {"language": "nl", "current": current, "desired": desired}
    t2 = time.perf_counter()
    sent = await client.post(f"{RESPOND}/submit", json=body, headers=headers)
    out.submit_latency.append(time.perf_counter() - t2)
    out.statuses[f"POST {sent.status_code}"] += 1
    if sent.status_code == 201:
        out.acknowledged.append(index)
    else:
        _note(out, f"POST {sent.status_code}: {sent.text[:200]}")


async def _health(client: Any, out: Outcome) -> None:
    t0 = time.perf_counter()
    got = await client.get("/health")
    out.health_latency.append(time.perf_counter() - t0)
    out.statuses[f"GET /health {got.status_code}"] += 1
    if got.status_code != 200:
        _note(out, f"/health {got.status_code}")


def _note(out: Outcome, failure: str) -> None:
    if len(out.failures) < 20:
        out.failures.append(failure)


async def _run(base_url: str, jobs: list[tuple[int, str]] | int, item_keys: list[str], concurrency: int,
               start_at: float) -> Outcome:
    import httpx

    out = Outcome()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        await client.get("/health")  # open a connection before the clock starts
        todo = iter(jobs) if isinstance(jobs, list) else iter(range(jobs))

        async def worker() -> None:
            for job in todo:  # one iterator shared by all tasks: each job is taken once
                try:
                    if isinstance(job, tuple):
                        await _respondent(client, job[0], job[1], item_keys, out)
                    else:
                        await _health(client, out)
                except httpx.HTTPError as exc:
                    out.statuses[type(exc).__name__] += 1
                    _note(out, repr(exc))

        await asyncio.sleep(max(0.0, start_at - time.time()))
        cpu0 = time.process_time()
        out.started = time.time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        out.finished = time.time()
        out.cpu_seconds = time.process_time() - cpu0
    return out


def run_client(base_url: str, jobs: list[tuple[int, str]] | int, item_keys: list[str], concurrency: int,
               start_at: float) -> dict[str, Any]:
    """The entry point of a client process: run the jobs (respondents, or a number of /health calls) from
    `start_at` (a wall-clock time shared by all client processes) and return the outcome as plain data."""
    coroutine = _run(base_url, jobs, item_keys, concurrency, start_at)
    try:
        import uvloop
    except ImportError:  # the stock loop is slower but measures the same thing
        out = asyncio.run(coroutine)
    else:
        out = uvloop.run(coroutine)
    return {"statuses": dict(out.statuses), "fetch": out.fetch_latency.tobytes(),
            "submit": out.submit_latency.tobytes(), "health": out.health_latency.tobytes(),
            "acknowledged": out.acknowledged.tobytes(), "failures": out.failures, "started": out.started,
            "finished": out.finished, "cpu_seconds": out.cpu_seconds}
