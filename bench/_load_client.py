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


class _Reply:
    """An answer read by `RawConnection`, with the two attributes of an httpx.Response that the jobs use."""

    def __init__(self) -> None:
        self.status_code, self.content, self.complete, self.closing = 0, bytearray(), False, False

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"connection" and value.lower() == b"close":
            self.closing = True

    def on_body(self, body: bytes) -> None:
        self.content += body

    def on_message_complete(self) -> None:
        self.complete = True

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")


class RawConnection:
    """One keep-alive HTTP/1.1 connection that writes each request whole and parses the answer with httptools
    (uvicorn's own parser): the leanest load generator Python offers, to show what the server does when the
    client costs little. Sends what httpx sends for these requests (JSON bodies, no compression)."""

    def __init__(self, base_url: str) -> None:
        from urllib.parse import urlsplit

        address = urlsplit(base_url)
        self.host, self.port = address.hostname or "127.0.0.1", address.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, params: dict[str, str] | None = None,
                  headers: dict[str, str] | None = None) -> _Reply:
        query = ("?" + "&".join(f"{k}={v}" for k, v in params.items())) if params else ""
        return await self._request(b"GET", path + query, headers or {}, None)

    async def post(self, path: str, json: Any = None, headers: dict[str, str] | None = None) -> _Reply:
        import json as json_module

        return await self._request(b"POST", path, headers or {}, json_module.dumps(json).encode())

    async def _request(self, method: bytes, target: str, headers: dict[str, str], body: bytes | None) -> _Reply:
        import httptools

        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        lines = [method + b" " + target.encode() + b" HTTP/1.1", b"Host: " + f"{self.host}:{self.port}".encode()]
        lines += [f"{name}: {value}".encode() for name, value in headers.items()]
        if body is not None:
            lines += [b"Content-Type: application/json", b"Content-Length: " + str(len(body)).encode()]
        self.writer.write(b"\r\n".join(lines) + b"\r\n\r\n" + (body or b""))
        reply = _Reply()
        parser = httptools.HttpResponseParser(reply)
        while not reply.complete:
            data = await self.reader.read(65536)
            if not data:
                self.writer = None
                raise ConnectionError("the server closed the connection")
            parser.feed_data(data)
        reply.status_code = parser.get_status_code()
        if reply.closing:
            self.writer.close()
            self.writer = None
        return reply


async def _run(base_url: str, jobs: list[tuple[int, str]] | int, item_keys: list[str], concurrency: int,
               start_at: float, client_kind: str) -> Outcome:
    import httpx

    out = Outcome()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as shared:
        clients: list[Any] = ([shared] * concurrency if client_kind == "httpx" else
                              [RawConnection(base_url) for _ in range(concurrency)])
        for client in clients:
            await client.get("/health")  # open the connections before the clock starts
        todo = iter(jobs) if isinstance(jobs, list) else iter(range(jobs))

        async def worker(client: Any) -> None:
            for job in todo:  # one iterator shared by all tasks: each job is taken once
                try:
                    if isinstance(job, tuple):
                        await _respondent(client, job[0], job[1], item_keys, out)
                    else:
                        await _health(client, out)
                except (httpx.HTTPError, OSError) as exc:
                    out.statuses[type(exc).__name__] += 1
                    _note(out, repr(exc))

        await asyncio.sleep(max(0.0, start_at - time.time()))
        cpu0 = time.process_time()
        out.started = time.time()
        await asyncio.gather(*(worker(client) for client in clients))
        out.finished = time.time()
        out.cpu_seconds = time.process_time() - cpu0
    return out


def run_client(base_url: str, jobs: list[tuple[int, str]] | int, item_keys: list[str], concurrency: int,
               start_at: float, client_kind: str = "httpx") -> dict[str, Any]:
    """The entry point of a client process: run the jobs (respondents, or a number of /health calls) from
    `start_at` (a wall-clock time shared by all client processes) with httpx.AsyncClient or `RawConnection`s, and
    return the outcome as plain data."""
    coroutine = _run(base_url, jobs, item_keys, concurrency, start_at, client_kind)
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
