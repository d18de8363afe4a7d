"""Text and time types for request schemas: trimmed, and free of control characters that no database or CSV wants
(PostgreSQL refuses NUL in text outright)."""

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, StringConstraints

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(value: str) -> bool:
    return _CONTROL.search(value) is not None


def _no_control_characters(value: str) -> str:
    if has_control_characters(value):
        raise ValueError("must not contain control characters")
    return value


CleanStr = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_no_control_characters)]
"""Any user-facing text: stripped, no control characters (tabs and newlines are allowed).
Bound its length with `Annotated[CleanStr, Field(max_length=...)]`."""

ShortText = Annotated[CleanStr, Field(min_length=1, max_length=200)]
"""A name or title: 1 to 200 characters after stripping."""

Label = Annotated[CleanStr, Field(min_length=1, max_length=100)]

_NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def _date_time_text(value: object) -> object:
    if not isinstance(value, str | datetime) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        raise ValueError("must be a date-time string such as 2027-03-01T08:00:00Z")
    return value


Moment = Annotated[AwareDatetime, BeforeValidator(_date_time_text)]
"""A point in time with its UTC offset, as the RFC 3339 string the schema promises (lax parsing would also take a
number, or a query value such as `0.5`, as seconds since 1970)."""


def not_null_in_schema(*fields: str, examples: list[Any]) -> Callable[[dict[str, Any]], None]:
    """A `json_schema_extra` for PATCH models whose fields may be left out but not sent as null (the model's own
    validator refuses null): the published schema then says so, and clients never send it."""

    def drop_null(schema: dict[str, Any]) -> None:
        for name in fields:
            field = schema["properties"][name]
            variants = [v for v in field.pop("anyOf") if v != {"type": "null"}]
            field.update(variants[0])
        schema["examples"] = examples

    return drop_null
