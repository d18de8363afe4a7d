"""How the OpenAPI document names and describes operations."""

import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from app.errors import problem_responses
from app.paging import LINK_HEADER

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
UPLOAD_BODY = re.compile(r"Body_\w+")


def operation_id(route: APIRoute) -> str:
    return route.name


def problem_only_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI's document, made what a generated client needs (see `_polish`)."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _polish(original())
        return app.openapi_schema

    return openapi


def _polish(schema: dict[str, Any]) -> dict[str, Any]:
    """- Error responses are documented with the Problem model, which FastAPI also lists as application/json: only
      application/problem+json is kept, so generated clients see one error type.
    - An operation with a body also documents the 400 that an unparseable body gets and the 413 of one over the
      size limit (app.limits); one with neither parameters nor body can't get a 422, and doesn't document it.
    - An operation open to an API key or a session lists each as a requirement of its own (either one), not both
      in one requirement (both at once).
    - A paged list documents its `Link` header (app.paging), a 429 its `Retry-After`.
    - An uploaded file is `format: binary` besides OpenAPI 3.1's `contentMediaType` (generators such as
      openapi-python-client know only the first, and would send the file as a text field), and its form is named
      after its operation (`ImportUnitsForm`), not FastAPI's `Body_import_units`."""
    for operations in schema["paths"].values():
        for operation in operations.values():
            responses = operation["responses"]
            if "requestBody" in operation:
                responses.setdefault("400", {"description": "The body can't be parsed (not UTF-8, not the declared "
                                                            "type)", "content": PROBLEM})
                responses.setdefault("413", {"description": problem_responses(413)[413]["description"],
                                             "content": PROBLEM})
            elif not operation.get("parameters"):
                responses.pop("422", None)
            security = operation.get("security")
            if security and len(security) == 1 and len(security[0]) > 1:
                operation["security"] = [{name: scopes} for name, scopes in security[0].items()]
            for status, response in responses.items():
                content = response.get("content", {})
                if status[0] in "45" and "application/problem+json" in content:
                    content.pop("application/json", None)
            if "429" in responses:
                responses["429"]["headers"] = {"Retry-After": {"description": "Seconds until the limit resets",
                                                               "schema": {"type": "integer"}}}
            if any(LINK_HEADER in p.get("description", "") for p in operation.get("parameters", [])):
                responses["200"]["headers"] = {"Link": {
                    "description": 'With `limit`, when there are more items: `<url>; rel="next"` (RFC 8288), the '
                                   "next page's URL", "schema": {"type": "string"}}}
    schemas = schema.get("components", {}).get("schemas", {})
    for properties in (s.get("properties", {}) for s in schemas.values()):
        for field in properties.values():
            for variant in (field, field.get("items", {})):
                if variant.get("contentMediaType") == "application/octet-stream":
                    variant["format"] = "binary"
    for old in [name for name in schemas if UPLOAD_BODY.fullmatch(name)]:
        new = "".join(word.title() for word in old.removeprefix("Body_").split("_")) + "Form"
        schemas[new] = {**schemas.pop(old), "title": new}
        _rewrite_refs(schema, f"#/components/schemas/{old}", f"#/components/schemas/{new}")
    return schema


def _rewrite_refs(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        if node.get("$ref") == old:
            node["$ref"] = new
        for value in node.values():
            _rewrite_refs(value, old, new)
    elif isinstance(node, list):
        for value in node:
            _rewrite_refs(value, old, new)
