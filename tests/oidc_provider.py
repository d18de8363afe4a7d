"""A real OpenID Provider on 127.0.0.1 for the tests: panva's `oidc-provider` (OpenID Certified) under the machine's
Node, installed from tests/oidc/package-lock.json by `npm ci` (`make test` and `.ci/run` do it).

`OidcProvider` starts tests/oidc/provider.mjs with one client registered for the suite server's callback, and walks
its login the way a browser does (`sign_in_at_provider`); `clock` and `jwks` switch on the ways real providers go
wrong (a clock far off, a published key that doesn't match the signing one).
"""

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from tests.server_process import free_port

HERE = Path(__file__).parent / "oidc"
CLIENT_ID = "culturegap-tests"
CLIENT_SECRET = "a-client-secret-for-the-tests-only-0123456789"


def _node() -> str:
    node = shutil.which("node")
    reason = None
    if node is None:
        reason = "Node is not installed"
    elif not (HERE / "node_modules" / "oidc-provider").is_dir():
        reason = "tests/oidc has no node_modules: run `npm ci --prefix tests/oidc` (make test does)"
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI=true: the single sign-on tests must run.", pytrace=False)
        pytest.skip(reason)
    assert node is not None
    return node


@dataclass
class OidcProvider:
    issuer: str
    process: subprocess.Popen[bytes]
    log: Path

    def control(self, what: str, **params: str | int) -> None:
        response = httpx.post(f"{self.issuer}/__control/{what}", params=params, timeout=10)
        assert response.status_code == 204, response.text

    def settings(self, domains: list[str], **extra: object) -> dict[str, object]:
        """The organisation's single sign-on settings for this provider."""
        return {"issuer": self.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "allowed_domains": domains, **extra}


@contextmanager
def oidc_provider(redirect_uri: str, log: Path) -> Iterator[OidcProvider]:
    node = _node()
    port = free_port()
    config = {"port": port, "clients": [{
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [redirect_uri],
        "grant_types": ["authorization_code"], "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic"}]}
    with log.open("ab") as out:
        process = subprocess.Popen([node, str(HERE / "provider.mjs"), json.dumps(config)], cwd=HERE, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    provider = OidcProvider(issuer=f"http://127.0.0.1:{port}", process=process, log=log)
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the OpenID provider exited:\n{log.read_text()}")
        try:
            if httpx.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the OpenID provider did not start:\n{log.read_text()}")
        time.sleep(0.05)
    try:
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def sign_in_at_provider(browser: httpx.Client, start: str, email: str, callback_prefix: str) -> str:
    """Follow the redirects from the service's start URL through the provider's login (typing `email`) to the
    URL that sends the browser back to the service; returns that callback URL, not yet opened."""
    url = start
    for _ in range(20):
        response = browser.get(url)
        if response.status_code in (302, 303):
            url = urljoin(url, response.headers["location"])
            if url.startswith(callback_prefix):
                return url
            continue
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
        action = re.search(r'<form method="post" action="([^"]+)"', response.text)
        assert action, response.text[:300]
        posted = browser.post(urljoin(url, action.group(1)), data={"email": email})
        assert posted.status_code in (302, 303), posted.text[:300]
        url = urljoin(url, posted.headers["location"])
    raise AssertionError("too many redirects")
