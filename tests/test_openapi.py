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


def test_what_a_generated_client_relies_on_is_documented(http):
    """Every body may get 400 and 413; an operation that takes nothing can't get a 422; a paged list says where its
    next page is (`Link`), a 429 when to try again; an upload is a binary file in a form named after its operation."""
    spec = http.get("/openapi.json").json()
    operations = {op["operationId"]: op for ops in spec["paths"].values() for op in ops.values()}
    for name, op in operations.items():
        responses = op["responses"]
        if "requestBody" in op:
            assert {"400", "413"} <= set(responses), name
        elif not op.get("parameters"):
            assert "422" not in responses, name
        if "429" in responses:
            assert "Retry-After" in responses["429"]["headers"], name
        ok = responses.get("200", {})
        # a list paged by its `Link` header (an array); the audit trail pages inside its body (`next_cursor`)
        paged = "cursor" in {p["name"] for p in op.get("parameters", [])} and \
            ok["content"]["application/json"]["schema"].get("type") == "array"
        assert ("Link" in ok.get("headers", {})) == paged, name
    assert operations["list_units"]["responses"]["200"]["headers"]["Link"]["schema"] == {"type": "string"}
    schemas = spec["components"]["schemas"]
    assert not [name for name in schemas if name.startswith("Body_")]
    uploads = [name for name in schemas if name.endswith("Form") and "file" in schemas[name]["properties"]]
    assert len(uploads) == 6 and "ImportUnitsForm" in uploads
    for name in uploads:
        assert schemas[name]["properties"]["file"]["format"] == "binary", name
    respond_401 = operations["submit_response"]["responses"]["401"]["description"]
    assert "invitation token" in respond_401
