"""The OpenAPI document is good enough to generate a clean client from."""

import re


def test_operations_are_named_tagged_and_described(http):
    spec = http.get("/openapi.json").json()
    seen = set()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            op_id = op.get("operationId", "")
            assert re.fullmatch(r"[a-z][a-z0-9_]*", op_id), f"{where}: operationId {op_id!r}"
            assert op_id not in seen, f"{where}: duplicate operationId {op_id}"
            seen.add(op_id)
            assert op.get("tags"), f"{where}: no tag"
            if path.startswith("/api/v1"):
                assert op.get("description"), f"{where}: no description"
                errors = [s for s in op["responses"] if s.startswith(("4", "5"))]
                assert errors, f"{where}: no error responses documented"
                for status in errors:
                    content = op["responses"][status].get("content", {})
                    assert list(content) == ["application/problem+json"], f"{where} {status}: not problem details"


def test_problem_schema_is_published(http):
    schemas = http.get("/openapi.json").json()["components"]["schemas"]
    assert {"type", "title", "status", "detail", "errors"} <= set(schemas["Problem"]["properties"])
