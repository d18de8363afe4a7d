"""Each worker's share of the counting: the requests of an address are tallied in memory and added to the shared
count (service.add_counts) in batches, so that a busy address (a whole office behind one NAT, every employee
answering in the same minute) doesn't cost a write of one hot row per request.

- An address's first request in a window, as far as this worker knows, is written at once: most addresses make a
  few requests, and the worker learns the shared counts of the window (another worker's failures included).
- After that its requests are written every `WRITE_EVERY` requests or `WRITE_AFTER` seconds, whichever comes first
  (checked on each request); between writes the limit is checked against the shared count last read plus this
  worker's unwritten tally. So each worker may let an address pass the request limit by fewer than `WRITE_EVERY`
  requests, and a request past the limit on one worker is seen by the others within `WRITE_AFTER` seconds of
  that address's traffic there.
- Failed lookups (what guessing looks like) are written at once, one by one: they are few unless someone guesses.

Measured with `make bench-load ARGS="--client raw --rate-limit"` (every request from one address): a write per
request cost 1.6 ms of CPU per respondent (server and PostgreSQL) and a quarter of the throughput.
A worker that dies loses its unwritten tally, fewer than `WRITE_EVERY` requests per address: a limit is not a ledger.
"""

import math
import time
from dataclasses import dataclass

from app.ratelimit.service import Limits, TooManyRequests, Window, add_counts

WRITE_EVERY = 32
WRITE_AFTER = 0.25  # seconds


@dataclass
class _Tally:
    requests: int = 0  # the shared counts as last read
    failures: int = 0
    unwritten: int = 0  # this worker's requests not yet added to them
    written_at: float = 0.0
    writing: bool = False


class Tallies:
    """One worker's tallies of the current window, by client."""

    def __init__(self) -> None:
        self._window_start: int | None = None
        self._by_client: dict[str, _Tally] = {}

    def _tally(self, client: str, window: Window) -> tuple[_Tally, bool]:
        if window.start != self._window_start:  # a new window: the old one's tallies no longer matter
            self._window_start, self._by_client = window.start, {}
        tally = self._by_client.get(client)
        if tally is None:
            tally = self._by_client[client] = _Tally()
            return tally, True
        return tally, False

    async def count_request(self, client: str, limits: Limits) -> Window:
        """Count one request; raise 429 when the address is past either limit in the current window."""
        now = time.time()
        window = Window.of(now, limits.window)
        tally, first = self._tally(client, window)
        tally.unwritten += 1
        if first or (not tally.writing and (tally.unwritten >= WRITE_EVERY or now - tally.written_at >= WRITE_AFTER)):
            await self._write(client, window, tally, now)
        if tally.requests + tally.unwritten > limits.requests or tally.failures >= limits.failures:
            retry_after = max(1, math.ceil(window.end - now))
            raise TooManyRequests(f"Too many requests from your network. Try again in {retry_after} seconds.",
                                  headers={"Retry-After": str(retry_after)})
        return window

    async def count_failure(self, client: str, window: Window) -> None:
        requests, failures = await add_counts(client, window, 0, 1)
        tally, _ = self._tally(client, window)
        tally.requests, tally.failures = max(tally.requests, requests), max(tally.failures, failures)

    async def _write(self, client: str, window: Window, tally: _Tally, now: float) -> None:
        tally.writing = True
        adding, tally.unwritten = tally.unwritten, 0  # requests arriving meanwhile tally anew
        try:
            tally.requests, tally.failures = await add_counts(client, window, adding, 0)
            tally.written_at = now
        except BaseException:
            tally.unwritten += adding  # not written: try again with the next request
            raise
        finally:
            tally.writing = False


tallies = Tallies()
"""This worker's (a process's) tallies."""
