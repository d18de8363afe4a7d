"""Each worker tallies an address's requests in memory and adds them to the shared count in batches (app.ratelimit
.tally): checked on the real database with two tallies standing for two workers. What must hold: an address's first
request is written at once; the shared count never loses a written request; failures are written one by one, so
another worker sees them at its next write; and the request limit is passed, across workers, by fewer than
`WRITE_EVERY` requests per worker."""

import secrets
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from app.db import get_sessionmaker
from app.pgasync import close_loop_pools
from app.ratelimit import tally as tally_module
from app.ratelimit.models import RateCounter
from app.ratelimit.service import Limits, TooManyRequests, Window
from app.ratelimit.tally import WRITE_EVERY, Tallies

pytestmark = pytest.mark.anyio
DAY = 86_400


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
async def pools(database_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    monkeypatch.setattr(tally_module, "WRITE_AFTER", 3600.0)  # batches by count only: the test is about counts
    yield
    await close_loop_pools()


def shared(client: str) -> tuple[int, int]:
    with get_sessionmaker()() as session:
        row = session.execute(select(RateCounter.requests, RateCounter.failures)
                              .where(RateCounter.client == client)).one()
    return row.requests, row.failures


async def accepted(worker: Tallies, client: str, limits: Limits, tries: int) -> int:
    count = 0
    for _ in range(tries):
        try:
            await worker.count_request(client, limits)
        except TooManyRequests:
            continue
        count += 1
    return count


async def test_the_first_request_is_written_at_once_and_the_rest_in_batches() -> None:
    client, limits = secrets.token_hex(8), Limits(requests=10_000, failures=100, window=DAY)
    worker = Tallies()
    await worker.count_request(client, limits)
    assert shared(client) == (1, 0)
    for _ in range(WRITE_EVERY - 1):
        await worker.count_request(client, limits)
    assert shared(client) == (1, 0)  # 31 tallied, not yet written
    await worker.count_request(client, limits)
    assert shared(client) == (1 + WRITE_EVERY, 0)


async def test_two_workers_add_up_and_pass_the_limit_by_less_than_a_batch_each() -> None:
    client, limits = secrets.token_hex(8), Limits(requests=100, failures=100, window=DAY)
    first, second = Tallies(), Tallies()
    passed = 0
    for _ in range(10):  # the workers take turns, as a balancer would spread an office's requests
        passed += await accepted(first, client, limits, 15) + await accepted(second, client, limits, 15)
    assert limits.requests <= passed < limits.requests + 2 * WRITE_EVERY
    requests, _ = shared(client)
    assert requests <= 300 and requests >= passed - 2 * WRITE_EVERY  # every write adds up


async def test_failures_are_written_at_once_and_limit_the_other_worker() -> None:
    client, limits = secrets.token_hex(8), Limits(requests=10_000, failures=3, window=DAY)
    guessed_on, other = Tallies(), Tallies()
    window = await guessed_on.count_request(client, limits)
    assert isinstance(window, Window)
    for _ in range(limits.failures):
        await guessed_on.count_failure(client, window)
    assert shared(client) == (1, limits.failures)
    with pytest.raises(TooManyRequests):
        await guessed_on.count_request(client, limits)
    with pytest.raises(TooManyRequests):  # its first request reads the shared count
        await other.count_request(client, limits)
