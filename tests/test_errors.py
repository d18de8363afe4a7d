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
    assert body["detail"].startswith("The request body is not valid JSON at line 1, column 2: expected ")
    assert (body["line"], body["column"]) == (1, 2)


def test_a_json_syntax_error_names_its_line_and_column(platform):
    text = '{\n  "name": "Gemeente",\n  "slug": "gemeente",,\n}'
    body = _is_problem(platform.post("/api/v1/organisations", content=text.encode(),
                                     headers={"Content-Type": "application/json"}), 422)
    line3 = text.split("\n")[2]
    assert body["detail"] == (f"The request body is not valid JSON at line 3, column {line3.index(',,') + 2}: "
                              "expected a property name in double quotes or '}', found ','.")
    assert body["errors"] == [{"loc": ["body", text.index(",,") + 1], "msg": body["detail"], "type": "json_invalid"}]


# (body, line, column, what the sentence says after "expected"): the same words on FastAPI's routes and on the
# respondent's (IntakeRoute, which parses with pydantic-core)
SYNTAX_ERRORS = [
    (b'{"name": "a",}', 1, 14, "a property name in double quotes, found '}' (a comma may not come before '}')"),
    (b'{"answers": [1, 2,]}', 1, 19, "a value, found ']' (a comma may not come before ']')"),
    (b"{'name': 'a'}", 1, 2, "a property name in double quotes, found ''' (JSON strings are in double quotes"),
    (b'{"name": "a"} x', 1, 15, "the end of the body after the JSON value, found 'x'"),
    (b'{"answers": [1, 2', 1, 18, "',' or ']', found the end of the body"),
    (b'{"a": {"b": 1 "c"', 1, 15, """',' or '}', found '"'"""),
    (b'{\r\n  "name" "a"\r\n}', 2, 10, """':' after the property name, found '"'"""),
    (b'{"name": tru}', 1, 10, "a value: an object, array, string in double quotes, number, true, false or null, "
                              "found 't'"),
    (b'\n\n{"name": "a\x01"}', 3, 12, r"an escaped character (\n, \t, \u0001 ...), found U+0001"),
    (rb'{"name": "\q"}', 1, 11, r"""one of \" \\ \/ \b \f \n \r \t \uXXXX, found '\'"""),
    (b'{"name": "abc', 1, 10, """a closing '"' for the string that starts here"""),
    (b'\xef\xbb\xbf{"name" 1}', 1, 9, "':' after the property name, found '1'"),  # a BOM is no column
]


@pytest.mark.parametrize(("payload", "line", "column", "expected"), SYNTAX_ERRORS)
@pytest.mark.parametrize("path", ["/api/v1/organisations", "/api/v1/respond/submit"])
def test_json_syntax_errors_say_where_and_what_was_expected(platform, payload, line, column, expected, path):
    headers = {"Content-Type": "application/json", "X-Survey-Token": "not-a-token"}
    body = _is_problem(platform.post(path, content=payload, headers=headers), 422)
    assert body["detail"].startswith(f"The request body is not valid JSON at line {line}, column {column}: "
                                     f"expected {expected}"), body["detail"]
    assert (body["line"], body["column"]) == (line, column)
    assert body["errors"] == [{"loc": ["body", body["errors"][0]["loc"][1]], "msg": body["detail"],
                               "type": "json_invalid"}]


@pytest.mark.parametrize("path", ["/api/v1/organisations", "/api/v1/respond/submit"])
def test_a_body_that_is_not_utf8_is_a_400_naming_the_byte(platform, path):
    payload = '{\n "name": "Caf\u00e9"}'.encode("cp1252")
    body = _is_problem(platform.post(path, content=payload, headers={"Content-Type": "application/json",
                                                                     "X-Survey-Token": "not-a-token"}), 400)
    assert body["detail"] == ("The request body is not valid JSON at line 2, column 14: expected UTF-8 text, "
                              "found the byte 0xE9 (send the body as UTF-8).")
    assert (body["line"], body["column"]) == (2, 14)


def test_a_body_with_a_utf8_bom_is_read_on_every_route(platform):
    payload = b'\xef\xbb\xbf{"language": "nl", "current": {}, "desired": {}}'
    response = platform.post("/api/v1/respond/submit", content=payload,
                             headers={"Content-Type": "application/json", "X-Survey-Token": "not-a-token"})
    assert response.status_code == 401, response.text  # read; then the malformed token is refused


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
    assert body["detail"].startswith("The request body is not valid JSON at line 1, column 1: expected UTF-8")
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
