"""`culturegap worker --once` and the uvicorn server as real processes of their own, started without paying for a new
interpreter each time.

Each is a separate process (its own engine, connections, SMTP connection and listening socket; it can be SIGKILLed
mid-batch or mid-request) that runs the real entry with the environment the test gives it: the CLI's own
`app.cli.main(["worker", "--once"])`, or uvicorn's command line (`uvicorn app.main:create_app --factory ...`, which
builds the app in the process). It is forked from multiprocessing's fork server, which imported that code once: a
fresh interpreter spent about 1.5 s importing FastAPI, SQLAlchemy and scipy (several times that on a loaded
machine), and the suite starts some forty of them. The fork server starts no threads and opens no connection
(importing the app reads no setting and builds no app), so each fork begins clean. `tests/test_cli.py` and
`tests/test_two_workers.py` still start the real `culturegap` command in a new interpreter.
"""

import multiprocessing
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import uvicorn.main  # noqa: F401

# Importing these is the cost saved: everything `app.cli._worker` and `_round` import, the app and uvicorn.
import app.cli
import app.invitations.mailing
import app.mail.outbox
import app.main
import app.surveys.service
import app.webhooks.events
import app.webhooks.sender  # noqa: F401

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["pytest", __name__])  # pytest: a child re-imports `python -m pytest`'s main
PROJECT = Path(__file__).resolve().parent.parent


def _main(command: list[str], env: dict[str, str], log: str, append: bool) -> None:
    """In the forked process: a session of its own, the given environment, output to `log`, then the command."""
    os.setsid()
    os.chdir(PROJECT)
    os.environ.clear()
    os.environ.update(env)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC))
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    if command[0] == "uvicorn":
        from uvicorn.main import main as uvicorn

        uvicorn.main(args=command[1:], prog_name="uvicorn")  # exits, as the command does
        return
    from app.cli import main
    from app.db import get_engine

    try:
        if command[0] == "-c":  # as `python -c`
            exec(compile(command[1], "<string>", "exec"), {"__name__": "__main__"})
        else:
            main(command)
    finally:  # the connections close as at an interpreter's exit (a forked child leaves by os._exit)
        if get_engine.cache_info().currsize:
            get_engine().dispose()


class Forked:
    """`command` in a forked process: `culturegap`'s arguments (`["worker", "--once"]`), `["uvicorn", ...]`, or
    `["-c", code]` as `python -c`. Its output (stdout and stderr) goes to `log` (appended to), or to a file of its
    own that `wait()` returns."""

    def __init__(self, command: list[str], env: Mapping[str, str], log: Path | None = None) -> None:
        self._own_log = log is None
        self.log = log or Path(tempfile.mkdtemp(prefix="culturegap-worker-")) / "output.log"
        # daemon: one left running by a failed test is terminated when pytest exits instead of holding it up
        self._process = _CONTEXT.Process(target=_main, args=(command, dict(env), str(self.log), not self._own_log),
                                         daemon=True)
        self._process.start()
        self.pid = self._process.pid

    @property
    def exitcode(self) -> int | None:
        """None while it runs."""
        return self._process.exitcode

    def wait(self, timeout: float = 120) -> tuple[int, str]:
        """Its exit code and what it printed; fails if it is still running after `timeout`."""
        self._process.join(timeout)
        code = self._process.exitcode
        output = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        if code is None:
            self.kill()
            raise AssertionError(f"{self.pid} did not finish within {timeout} s:\n{output}")
        if self._own_log:
            self.log.unlink(missing_ok=True)
            self.log.parent.rmdir()
        return code, output

    def terminate(self, timeout: float = 10) -> None:
        """SIGTERM, and SIGKILL if it has not stopped after `timeout`."""
        self._process.terminate()
        self._process.join(timeout)
        if self._process.exitcode is None:
            self.kill()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flushing, no rollback from its side."""
        self._process.kill()
        self._process.join(30)


class Worker(Forked):
    """One `culturegap worker --once`."""

    def __init__(self, env: Mapping[str, str]) -> None:
        super().__init__(["worker", "--once"], env)


def run_workers(env: Mapping[str, str], n: int = 1) -> list[str]:
    """`n` workers at once, each one round; fails unless every one exits 0. What each printed."""
    running = [Worker(env) for _ in range(n)]
    outputs = []
    for worker in running:
        code, output = worker.wait()
        assert code == 0, output
        outputs.append(output)
    return outputs
