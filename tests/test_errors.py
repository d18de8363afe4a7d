"""Every failure is RFC 9457 problem details; malformed input never gets a 500."""

import os
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.exc import TimeoutError as PoolTimeout

from tests.server_process import serve_in_thread

PROBLEM = "application/problem+json"


def _is_problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:culturegap:problem:")
    assert body["title"]
    assert "Traceback" not in response.text and "SELECT" not in response.text
    return body


def test_missing_key_is_401(http):
    response = http.get("/api/v1/organisations")
    _is_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer", "Basic Zm9vOmJhcg==", "cgk_x", "Bearer \u00e9"])
def test_bad_keys_are_401(http, header):
    _is_problem(http.get("/api/v1/organisations", headers={"Authorization": header.encode("utf-8")}), 401)


def test_unknown_route_is_404(http):
    _is_problem(http.get("/api/v1/nothing-here"), 404)


def test_wrong_method_is_405(platform):
    _is_problem(platform.delete("/api/v1/organisations"), 405)


def test_malformed_json_is_422(platform):
    body = _is_problem(platform.post("/api/v1/organisations", content=b"{not json",
                                     headers={"Content-Type": "application/json"}), 422)
    assert body["errors"][0]["type"] == "json_invalid"
    assert body["detail"].endswith("at line 1, column 2.")


def test_a_json_syntax_error_names_its_line_and_column(platform):
    text = '{\n  "name": "Gemeente",\n  "slug": "gemeente",,\n}'
    body = _is_problem(platform.post("/api/v1/organisations", content=text.encode(),
                                     headers={"Content-Type": "application/json"}), 422)
    line3 = text.split("\n")[2]
    assert body["detail"] == ("The request body is not valid JSON: Expecting property name enclosed in double quotes "
                              f"at line 3, column {line3.index(',,') + 2}.")
    assert body["errors"] == [{"loc": ["body", text.index(",,") + 1], "msg": body["detail"], "type": "json_invalid"}]


def test_invalid_fields_are_listed(platform):
    body = _is_problem(platform.post("/api/v1/organisations", json={"name": "", "slug": "Not A Slug", "x": 1}), 422)
    locations = {tuple(e["loc"]) for e in body["errors"]}
    assert {("body", "name"), ("body", "slug"), ("body", "x")} <= locations


def test_bad_path_id_is_422_not_500(platform):
    body = _is_problem(platform.get("/api/v1/organisations/not-a-uuid"), 422)
    assert body["errors"][0]["loc"] == ["path", "organisation_id"]


@pytest.mark.parametrize("payload", [b"\xff\xfe\x00", b"[]", b"null", b"1e999", b'"' + b"a" * 10_000 + b'"',
                                     b'{"name": {"$gt": ""}}', b'{"name": "\\u0000"}'])
def test_odd_bodies_never_500(platform, payload):
    response = platform.post("/api/v1/organisations", content=payload, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, response.text


def test_body_too_large_is_413(platform):
    _is_problem(platform.post("/api/v1/organisations", content=b"{" + b" " * 3_000_000 + b"}",
                              headers={"Content-Type": "application/json"}), 413)


def test_validation_errors_do_not_echo_input(platform):
    secret = "cgk_this-should-not-come-back"
    response = platform.post("/api/v1/organisations", json={"name": 12, "slug": secret})
    assert secret not in response.text


def test_an_unparseable_body_is_a_documented_400(platform, http):
    body = _is_problem(platform.post("/api/v1/organisations", content=b"\x80",
                                     headers={"Content-Type": "application/json"}), 400)
    assert "parsing" in body["detail"]
    operation = http.get("/openapi.json").json()["paths"]["/api/v1/organisations"]["post"]
    assert list(operation["responses"]["400"]["content"]) == ["application/problem+json"]


POOL_OF_ONE = {"DB_POOL_SIZE": "1", "DB_MAX_OVERFLOW": "0", "DB_POOL_TIMEOUT": "0.2"}


def _configure(env: dict[str, str | None]) -> None:
    """Settings and engines are cached per process (the suite's server uses whichever are cached): close the pool,
    change the environment, and let the next call build them again."""
    from app.config import get_settings
    from app.db import get_engine, get_sessionmaker

    get_engine().dispose()
    for name, value in env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    for cached in (get_settings, get_engine, get_sessionmaker):  # as tests/conftest.py does
        cached.cache_clear()


@pytest.fixture
def pool_of_one(platform_key: str) -> Iterator[str]:
    """A server of its own (in this process, so the test can take its engine's connection) whose pool has one
    connection and no overflow, and waits 0.2 s for it."""
    from app.main import create_app

    saved = {name: os.environ.get(name) for name in POOL_OF_ONE}
    _configure(dict(POOL_OF_ONE))
    try:
        with serve_in_thread(create_app()) as url:
            yield url
    finally:
        _configure(saved)


def test_no_connection_free_in_time_is_a_503_and_stores_nothing(pool_of_one: str, platform_key: str,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    from app.db import get_engine

    name = f"Pool {uuid.uuid4().hex[:8]}"
    with httpx.Client(base_url=pool_of_one, timeout=30, headers={"Authorization": f"Bearer {platform_key}"}) as api:
        with get_engine().connect():  # the pool's only connection, held
            refused = api.post("/api/v1/organisations", json={"name": name})
        body = _is_problem(refused, 503)
        assert refused.headers["retry-after"] == "1"
        assert "nothing was stored" in body["detail"]
        assert any(r.exc_info and isinstance(r.exc_info[1], PoolTimeout) for r in caplog.records)
        assert name not in {o["name"] for o in api.get("/api/v1/organisations").json()}
        assert api.post("/api/v1/organisations", json={"name": name}).status_code == 201  # the retry
