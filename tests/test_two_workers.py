"""The application keeps no state in a process that another process would have to know: the real server with two
worker processes (`culturegap serve --workers 2`, on this suite's database) gives the same answers whichever
worker a request lands on. Which worker served a connection is read from /proc (the socket's owner), so the app
exposes nothing new for this."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.factories import OrgContext
from tests.respond_factories import RESPOND, invite, item_keys, submit, token_headers
from tests.server_process import free_port
from tests.survey_factories import open_survey

pytestmark = pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads sockets' owners from /proc")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid
                    and b"resource_tracker" not in (entry / "cmdline").read_bytes()):
                found.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


class Workers:
    """A `culturegap serve --workers 2` process and a keep-alive client connected to each of its workers."""

    def __init__(self, database_url: str) -> None:
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "warning", "WORKERS": "2"}
        self.proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(self.port)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.base_url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120  # two processes import the app; slow on a busy 2-core machine
        while len(_children(self.proc.pid)) < 2 or not self._up():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {self.proc.stderr.read() if self.proc.stderr else ''}")
            time.sleep(0.2)
        self.pids = sorted(_children(self.proc.pid))
        self.clients = self._one_client_per_worker()

    def _up(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/health", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def worker_of(self, response: httpx.Response) -> int:
        """The worker process that owns the server side of this response's connection."""
        client_port = response.extensions["network_stream"].get_extra_info("client_addr")[1]
        wanted = f":{self.port:04X} 0100007F:{client_port:04X} "
        inode = next(line.split()[9] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                     if wanted in line)
        for pid in self.pids:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    if os.readlink(fd) == f"socket:[{inode}]":
                        return pid
                except OSError:
                    continue
        raise LookupError(f"no worker holds socket {inode}")

    def _one_client_per_worker(self) -> list[httpx.Client]:
        """New connections until each worker has accepted one (the kernel hands them out; 60 tries at most)."""
        found: dict[int, httpx.Client] = {}
        for _ in range(60):
            client = httpx.Client(base_url=self.base_url, timeout=30)
            pid = self.worker_of(client.get("/health"))
            if pid in found:
                client.close()
            else:
                found[pid] = client
            if len(found) == len(self.pids):
                return [found[pid] for pid in self.pids]
        raise RuntimeError("one worker took every connection")

    def via(self, worker: int, method: str, path: str, **kwargs: object) -> httpx.Response:
        """A request through the client of this worker, checked to have been served by it."""
        response = self.clients[worker].request(method, path, **kwargs)  # type: ignore[arg-type]
        assert self.worker_of(response) == self.pids[worker]
        return response

    def stop(self) -> None:
        for client in self.clients:
            client.close()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


@pytest.fixture(scope="module")
def workers(database_url: str) -> Iterator[Workers]:
    server = Workers(database_url)
    yield server
    server.stop()


def test_a_draft_saved_on_one_worker_resumes_on_the_other_and_a_used_token_is_refused_by_both(
        org: OrgContext, workers: Workers) -> None:
    survey = open_survey(org)
    [token] = invite(org, survey["id"], org.unit("Team"))
    first, second = item_keys(org)[:2]
    headers = token_headers(token)
    draft = {"language": "nl", "current": {first: 2, second: "dont_know"}, "desired": {}}
    assert workers.via(0, "PUT", f"{RESPOND}/draft", headers=headers, json=draft).status_code == 200
    resumed = workers.via(1, "GET", RESPOND, headers=headers)
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["draft"]["current"] == draft["current"] and resumed.json()["language"] == "nl"
    submitted = workers.via(1, "POST", f"{RESPOND}/submit", headers=headers,
                            json={"language": "nl", "current": {first: 4}, "desired": {}})
    assert submitted.status_code == 201, submitted.text
    for worker in (0, 1):
        assert workers.via(worker, "GET", RESPOND, headers=headers).status_code == 409
        again = workers.via(worker, "POST", f"{RESPOND}/submit", headers=headers,
                            json={"language": "nl", "current": {first: 1}, "desired": {}})
        assert again.status_code == 409 and again.json()["type"].endswith(":token-unusable")


def test_a_new_response_shows_in_the_reports_of_every_worker(org: OrgContext, workers: Workers, http: httpx.Client
                                                             ) -> None:
    survey = open_survey(org, min_group_size=3)
    tokens = invite(org, survey["id"], org.unit("Team"), 6)
    answers = dict.fromkeys(item_keys(org), 4)
    for token in tokens[:3]:
        assert submit(http, token, answers).status_code == 201
    survey_url = f"{org.prefix}/surveys/{survey['id']}"
    assert org.admin.post(f"{survey_url}/close").status_code == 200  # figures are of published responses
    profile = f"{org.prefix}/surveys/{survey['id']}/reports/profile"
    auth = {"Authorization": org.admin.headers["Authorization"]}

    def n_on(worker: int) -> int:
        response = workers.via(worker, "GET", profile, headers=auth)
        assert response.status_code == 200, response.text
        return int(response.json()["group"]["n"])

    assert (n_on(0), n_on(1)) == (3, 3)  # both workers have now cached this survey's answers
    assert org.admin.post(f"{survey_url}/reopen").status_code == 200
    for token, worker in zip(tokens[3:], (0, 1, 0), strict=True):
        assert workers.via(worker, "POST", f"{RESPOND}/submit", headers=token_headers(token),
                           json={"language": "en", "current": answers, "desired": {}}).status_code == 201
    assert (n_on(0), n_on(1)) == (3, 3)  # not published yet: the same figures on both
    assert workers.via(1, "POST", f"{survey_url}/close", headers=auth).status_code == 200
    assert (n_on(0), n_on(1)) == (6, 6)  # the publication, seen by the other worker at once
