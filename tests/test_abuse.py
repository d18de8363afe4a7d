"""Abuse limits on the respondent's token endpoints, against a real server process with small limits and debug logs:
guessing and heavy use are limited per client address (429 with Retry-After), X-Forwarded-For counts only from a
trusted proxy, a wrong token and a used one can't be told apart, and no token or token hash reaches the logs.

Each test is its own client address: an IPv6 address in a /64 of its own in X-Forwarded-For (the server trusts its
loopback proxy, 127.0.0.1), or a loopback source address of its own (127.x.y.z, not a trusted proxy).
"""

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.engine import make_url

from app.invitations.models import Invitation
from app.invitations.service import hash_token, new_token
from app.responses.models import Response
from tests.factories import OrgContext
from tests.respond_factories import RESPOND, db_execute, db_scalars, invite, item_keys, problem_code, token_headers
from tests.server_process import ServerProcess
from tests.survey_factories import open_survey

REQUESTS, FAILURES, WINDOW = 40, 5, 86_400  # a window of a day: no test straddles two


def _server_url(database_url: str) -> str:
    """The suite's database; on PostgreSQL with a short lock timeout, so that a held lock makes a database error."""
    if not database_url.startswith("postgresql"):
        return database_url
    url = make_url(database_url)
    return url.set(query={**url.query, "options": "-c lock_timeout=300"}).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def limited(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess(_server_url(database_url), tmp_path_factory.mktemp("abuse") / "server.log",
                           env={"RESPOND_RATE_LIMIT": str(REQUESTS), "RESPOND_FAILED_LIMIT": str(FAILURES),
                                "RESPOND_RATE_WINDOW": str(WINDOW)},
                           log_level="debug", args=("--forwarded-allow-ips", "127.0.0.1"))
    server.start()
    yield server
    server.stop()


def _forwarded_for() -> dict[str, str]:
    return {"X-Forwarded-For": f"2001:db8:{random.getrandbits(16):x}:{random.getrandbits(16):x}::1"}


def _from_own_loopback(url: str) -> httpx.Client:
    source = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"
    return httpx.Client(base_url=url, timeout=30, transport=httpx.HTTPTransport(local_address=source))


def _survey_and_tokens(org: OrgContext, count: int = 1) -> tuple[dict[str, Any], list[str]]:
    survey = open_survey(org)
    return survey, invite(org, survey["id"], org.unit("Team"), count)


def _assert_limited(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert problem_code(response) == "too-many-requests"
    assert 0 < int(response.headers["retry-after"]) <= WINDOW
    assert response.json()["status"] == 429


def test_guessing_is_limited_per_address(org: OrgContext, limited: ServerProcess) -> None:
    survey, [token, other_token] = _survey_and_tokens(org, 2)
    guesser = _forwarded_for()
    with httpx.Client(base_url=limited.url, timeout=30) as http:
        for _ in range(FAILURES):
            guess = http.get(RESPOND, headers={**guesser, **token_headers(new_token())})
            assert guess.status_code == 409 and problem_code(guess) == "token-unusable"
        # Past the limit even a valid token is refused unseen: a limited guesser learns nothing.
        _assert_limited(http.get(RESPOND, headers={**guesser, **token_headers(token)}))
        _assert_limited(http.post(f"{RESPOND}/submit", headers={**guesser, **token_headers(token)},
                                  json={"language": "en", "current": {item_keys(org)[0]: 3}}))
        # The whole /64 is one client; another address is not affected.
        neighbour = {"X-Forwarded-For": guesser["X-Forwarded-For"].removesuffix("::1") + "::2"}
        _assert_limited(http.get(RESPOND, headers={**neighbour, **token_headers(token)}))
        assert http.get(RESPOND, headers={**_forwarded_for(), **token_headers(token)}).status_code == 200
        # Malformed tokens are refused before any lookup, and do not count as guesses.
        careless = _forwarded_for()
        for _ in range(FAILURES + 2):
            assert http.get(RESPOND, headers={**careless, **token_headers("too-short")}).status_code == 401
        assert http.get(RESPOND, headers={**careless, **token_headers(other_token)}).status_code == 200
    assert db_scalars(select(func.count()).select_from(Response)
                      .where(Response.survey_id == uuid.UUID(survey["id"]))) == [0]


def test_every_request_counts_toward_a_generous_limit(org: OrgContext, limited: ServerProcess) -> None:
    _, [token] = _survey_and_tokens(org)
    respondent = {**_forwarded_for(), **token_headers(token)}
    with httpx.Client(base_url=limited.url, timeout=30) as http:
        for n in range(REQUESTS):
            assert http.get(RESPOND, headers=respondent).status_code == 200, n
        _assert_limited(http.get(RESPOND, headers=respondent))


def test_forwarded_for_counts_only_from_a_trusted_proxy(org: OrgContext, limited: ServerProcess) -> None:
    """A client that is no trusted proxy can't spread its guesses over addresses it makes up."""
    with _from_own_loopback(limited.url) as http:
        statuses = [http.get(RESPOND, headers={**_forwarded_for(), **token_headers(new_token())}).status_code
                    for _ in range(FAILURES + 1)]
    assert statuses == [409] * FAILURES + [429]


def _identical(first: httpx.Response, second: httpx.Response) -> None:
    assert first.status_code == second.status_code
    assert first.content == second.content
    assert [(k, v) for k, v in first.headers.multi_items() if k != "date"] == \
           [(k, v) for k, v in second.headers.multi_items() if k != "date"]


def test_a_wrong_token_and_a_used_one_answer_alike(org: OrgContext, http: httpx.Client) -> None:
    _, [token] = _survey_and_tokens(org)
    body = {"language": "en", "current": {item_keys(org)[0]: 3}}
    assert http.post(f"{RESPOND}/submit", headers=token_headers(token), json=body).status_code == 201
    wrong = new_token()
    for method, path, json in (("GET", RESPOND, None), ("PUT", f"{RESPOND}/draft", body),
                               ("POST", f"{RESPOND}/submit", body)):
        used = http.request(method, path, headers=token_headers(token), json=json)
        unknown = http.request(method, path, headers=token_headers(wrong), json=json)
        assert used.status_code == 409
        _identical(used, unknown)  # status, every header but Date, and the body, byte for byte


def test_no_route_takes_a_token_in_its_path_or_query(http: httpx.Client) -> None:
    """Access logs hold paths and queries: a token or a key must never travel there."""
    document = http.get("/openapi.json").json()
    for path, operations in document["paths"].items():
        assert "token" not in path.lower() and "key}" not in path.lower(), path
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                secretive = {"token", "key", "secret"} & set(parameter["name"].lower().split("_"))
                schemas = [parameter["schema"], *parameter["schema"].get("anyOf", [])]
                if parameter["in"] in ("path", "query") and secretive:
                    assert "uuid" in {s.get("format") for s in schemas}, (path, parameter)  # an id, not a secret


def test_tokens_never_reach_the_logs(org: OrgContext, limited: ServerProcess, is_postgres: bool) -> None:
    """Debug logs with access logs, through every answer a token can get: 200, 201, 401, 409, 410, 422, 429, 503."""
    _, tokens = _survey_and_tokens(org, 4)
    [fresh, expiring, unused] = tokens[:3]
    keys = item_keys(org)
    unknown = new_token()
    sent = [*tokens, unknown]
    client = _forwarded_for()
    with httpx.Client(base_url=limited.url, timeout=30, headers=client) as http:
        def call(method: str, path: str, token: str, json: Any = None, **params: str) -> int:
            return http.request(method, path, headers=token_headers(token), json=json, params=params).status_code

        assert call("GET", RESPOND, fresh, lang="nl") == 200
        assert call("PUT", f"{RESPOND}/draft", fresh, {"language": "en", "current": {keys[0]: 2}}) == 200
        assert call("POST", f"{RESPOND}/submit", fresh, {"language": "en", "current": {keys[0]: 9}}) == 422
        assert call("POST", f"{RESPOND}/submit", fresh, {"language": "en", "current": {keys[0]: 4}}) == 201
        assert call("POST", f"{RESPOND}/submit", fresh, {"language": "en", "current": {keys[0]: 4}}) == 409
        assert call("GET", RESPOND, fresh + "!") == 401
        assert call("POST", f"{RESPOND}/submit", unused, "not json") == 422
        assert http.post(f"{RESPOND}/submit", headers={**token_headers(unused), "Content-Type": "application/json"},
                         content=b"{broken").status_code in (400, 422)
        db_execute(update(Invitation).where(Invitation.token_hash == hash_token(expiring))
                   .values(expires_at=datetime.now(UTC) - timedelta(days=1)))
        assert call("GET", RESPOND, expiring) == 410
        if is_postgres:
            _database_error(lambda: call("GET", RESPOND, unused))
        statuses = [call("GET", RESPOND, unknown) for _ in range(FAILURES + 1)]
        assert statuses[0] == 409 and statuses[-1] == 429
    log = limited.output()
    assert '"POST /api/v1/respond/submit HTTP/1.1" 201' in log  # the access log is on
    leaked = [t for t in sent if t in log] + [hash_token(t) for t in sent if hash_token(t) in log]
    assert leaked == [], "a token or its hash is in the server's output"


def _database_error(request: Any) -> None:
    """A database error while a token is looked up (PostgreSQL: the invitations table locked past the server's
    lock timeout): 503, and the error log must not hold the statement's parameters (the token's hash)."""
    from app.db import get_engine

    with get_engine().connect() as conn, conn.begin():
        conn.execute(text("LOCK TABLE invitations IN ACCESS EXCLUSIVE MODE"))
        assert request() == 503

