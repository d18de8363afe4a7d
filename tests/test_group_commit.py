"""Group commit on PostgreSQL (app.pgasync.GroupCommit): executions that arrive while a group commits share the next
transaction, each gets its own row count, and a database error in one execution fails only that one. On the
suite's own database, with a table of the test's own; the respondent's use of it is covered by test_respond,
test_concurrency and test_crash (SIGKILL mid-stream, with groups in flight)."""

import asyncio
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from app.db import get_engine
from app.pgasync import GroupCommit, LoopPool, Statement

TABLE = "group_commit_test"
USE = Statement(f"UPDATE {TABLE} SET used = true, tx = txid_current() WHERE id = %(id)s AND NOT used", {})
ADD = Statement(f"INSERT INTO {TABLE} (id, value, tx) VALUES (%(id)s, %(value)s, txid_current())", {})


@pytest.fixture
def table(is_postgres: bool) -> Iterator[None]:
    if not is_postgres:
        pytest.skip("group commit is PostgreSQL's (SQLite has one writer at a time)")
    with get_engine().begin() as conn:
        conn.execute(text(f"CREATE TABLE {TABLE} (id int PRIMARY KEY, used bool NOT NULL DEFAULT false, "
                          "value int CHECK (value > 0), tx bigint)"))
        conn.execute(text(f"INSERT INTO {TABLE} (id) SELECT g FROM generate_series(1, 20) g"))
    yield
    with get_engine().begin() as conn:
        conn.execute(text(f"DROP TABLE {TABLE}"))


def rows() -> dict[int, Any]:
    with get_engine().connect() as conn:
        return {r.id: r for r in conn.execute(text(f"SELECT id, used, value, tx FROM {TABLE}"))}


async def concurrently(statement: Statement, params: list[dict[str, Any]]) -> list[int | BaseException]:
    pool = LoopPool("group-commit-test", size=2)
    group = GroupCommit(pool)
    try:
        return await asyncio.gather(*(group.execute(statement, p) for p in params), return_exceptions=True)
    finally:
        await pool.close()


def test_each_execution_gets_its_own_row_count_and_they_share_transactions(table: None) -> None:
    ids = [1, 2, 3, 3, 99, *range(4, 20)]  # 3 twice: the second finds it used; 99 doesn't exist
    counts = asyncio.run(concurrently(USE, [{"id": i} for i in ids]))
    assert counts == [1, 1, 1, 0, 0, *[1] * 16]
    stored = rows()
    assert {i for i, r in stored.items() if r.used} == set(range(1, 20))
    assert not stored[20].used
    # The first went alone; the others arrived while it committed, and went together.
    assert len({r.tx for r in stored.values() if r.used}) < len(ids) - 2


def test_a_database_error_fails_only_its_own_execution(table: None) -> None:
    params = [{"id": 100 + n, "value": n} for n in range(1, 10)]
    params[4] = {"id": 105, "value": -1}  # breaks the CHECK: the group is rolled back, then each goes alone
    outcomes = asyncio.run(concurrently(ADD, params))
    assert isinstance(outcomes[4], psycopg.errors.CheckViolation)
    assert [o for n, o in enumerate(outcomes) if n != 4] == [1] * 8
    stored = rows()
    assert {i for i in stored if i >= 100} == {p["id"] for n, p in enumerate(params) if n != 4}
