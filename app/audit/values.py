"""What an audit event may carry besides its object."""

import enum
import uuid

Detail = int | bool | uuid.UUID | enum.Enum | list[str] | None
"""Counts, ids, flags, enum values (roles, statuses, reasons) and field names. No free `str`, so nothing anyone
typed (a name, an answer, a token, an e-mail address) can become a detail by accident."""


def plain(value: Detail) -> int | bool | str | list[str] | None:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return str(value.value)
    return value
