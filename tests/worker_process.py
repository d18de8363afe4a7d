"""`culturegap worker --once` as real processes of their own, started without paying for a new interpreter each time.

A worker is a separate process (its own engine, connections and SMTP connection; it can be SIGKILLed mid-batch) that
runs the CLI's own entry, `app.cli.main(["worker", "--once"])`, with the environment the test gives it. It is forked
from multiprocessing's fork server, which imported the worker's code once: a fresh `python -m app.cli` spent about
1.5 s importing FastAPI, SQLAlchemy and scipy (several times that on a loaded machine), and the mail and schedule
tests start some thirty workers. The fork server itself starts no threads and opens no connection (importing the app
reads no setting), so each fork begins clean. `tests/test_cli.py` starts the real `culturegap` command.
"""

import multiprocessing
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

# Importing these is the cost saved: everything `app.cli._worker` and `_round` import.
import app.cli
import app.invitations.mailing
import app.mail.outbox
import app.surveys.service
import app.webhooks.events
import app.webhooks.sender  # noqa: F401

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["pytest", __name__])  # pytest: a child re-imports `python -m pytest`'s main


def _main(env: dict[str, str], log: str) -> None:
    """In the forked process: the given environment, output to `log`, then the CLI."""
    os.environ.clear()
    os.environ.update(env)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    from app.cli import main
    from app.db import get_engine

    try:
        main(["worker", "--once"])
    finally:  # the connections close as at an interpreter's exit (a forked child leaves by os._exit)
        if get_engine.cache_info().currsize:
            get_engine().dispose()


class Worker:
    """One `culturegap worker --once`: `wait()` gives its exit code and what it printed; `kill()` sends SIGKILL."""

    def __init__(self, env: Mapping[str, str]) -> None:
        folder = Path(tempfile.mkdtemp(prefix="culturegap-worker-"))
        self._log = folder / "worker.log"
        self._process = _CONTEXT.Process(target=_main, args=(dict(env), str(self._log)), daemon=False)
        self._process.start()
        self.pid = self._process.pid

    def wait(self, timeout: float = 120) -> tuple[int, str]:
        self._process.join(timeout)
        code = self._process.exitcode
        output = self._log.read_text(encoding="utf-8", errors="replace") if self._log.exists() else ""
        if code is None:
            self.kill()
            raise AssertionError(f"the worker did not finish within {timeout} s:\n{output}")
        self._log.unlink(missing_ok=True)
        self._log.parent.rmdir()
        return code, output

    def kill(self) -> None:
        self._process.kill()
        self._process.join(30)


def run_workers(env: Mapping[str, str], n: int = 1) -> list[str]:
    """`n` workers at once, each one round; fails unless every one exits 0. What each printed."""
    running = [Worker(env) for _ in range(n)]
    outputs = []
    for worker in running:
        code, output = worker.wait()
        assert code == 0, output
        outputs.append(output)
    return outputs
