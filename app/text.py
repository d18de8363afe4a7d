"""Text types for request schemas: trimmed, and free of control characters that no database or CSV wants
(PostgreSQL refuses NUL in text outright)."""

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

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
