"""The real server as a separate process, for tests that kill it, read its logs or run it with settings of its own.

It is started the way production starts it (uvicorn's command line with the app factory, in a process and a session
of its own) against a database the test names, and everything it prints goes to one log file that survives restarts.
The process is forked from a fork server that imported the app and uvicorn once (`tests.worker_process`), not a new
interpreter: the same command line, without the import's seconds at every start and restart.

`serve_in_thread` serves an app in a thread of the test process instead, for tests that reach into the app's
engine (the suite's server, and a server with a pool of its own).
"""

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from tests.worker_process import Forked

PROJECT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    def __init__(self, database_url: str, log_path: Path, *, env: dict[str, str] | None = None,
                 log_level: str = "warning", args: tuple[str, ...] = ()) -> None:
        self.env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.log_path = log_path
        self.log_level = log_level
        self.args = args
        self.process: Forked | None = None
        self.url = ""

    def start(self, timeout: float = 30) -> None:
        from tests.worker_process import Forked  # here: it imports the app, which most of the suite may not need

        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.process = Forked(["uvicorn", "app.main:create_app", "--factory", "--host", "127.0.0.1", "--port",
                               str(port), "--log-level", self.log_level, *self.args], self.env, self.log_path)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.exitcode is not None:
                raise RuntimeError(f"the server exited with {self.process.exitcode}:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"the server did not start:\n{self.output()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flushing, no rollback from the server's side."""
        if self.process is not None and self.process.exitcode is None:
            self.process.kill()

    def stop(self) -> None:
        if self.process is not None and self.process.exitcode is None:
            self.process.terminate()

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


@contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread of this process; yields its URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
