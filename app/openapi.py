"""How the OpenAPI document names and describes operations."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute


def operation_id(route: APIRoute) -> str:
    return route.name


def problem_only_openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """Error responses are documented with the Problem model, which FastAPI also lists as application/json; keep
    only application/problem+json so generated clients see one error type. Operations with a body also document
    the 400 that an unparseable body gets. An operation open to an API key or a session lists each as a
    requirement of its own (either one), not both in one requirement (both at once)."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = original()
            bad_body = {"description": "The body can't be parsed (not UTF-8, not the declared type)",
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            for operations in schema["paths"].values():
                for operation in operations.values():
                    if "requestBody" in operation:
                        operation["responses"].setdefault("400", bad_body)
                    # FastAPI lists the two credentials as one requirement (both at once); either one does.
                    security = operation.get("security")
                    if security and len(security) == 1 and len(security[0]) > 1:
                        operation["security"] = [{name: scopes} for name, scopes in security[0].items()]
                    for status, response in operation.get("responses", {}).items():
                        content = response.get("content", {})
                        if status[0] in "45" and "application/problem+json" in content:
                            content.pop("application/json", None)
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi
