"""Cursor paging for every list (units, surveys, organisations, keys, people, layers, questionnaires,
self-assessments, actions, webhooks and their deliveries).

`?limit=N` gives the first N items and, when there are more, a `Link: <...>; rel="next"` header (RFC 8288) whose URL
carries `cursor`, as the audit log hands out `next_cursor`. A cursor is the sort key of the page's last item, so a
page never repeats or skips an item that stays put while items are added or removed. Without `limit` a list is whole,
as before. The body stays a plain array.
"""

import base64
import binascii
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response

from app.errors import Unprocessable

T = TypeVar("T")
MAX_LIMIT = 1000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _bad_cursor(why: str) -> Unprocessable:
    return Unprocessable(f"The cursor {why}; pass `cursor` as the previous page's next link gave it.",
                         errors=[{"loc": ["query", "cursor"], "msg": f"the cursor {why}", "type": "value_error"}])


def micros(moment: datetime) -> int:
    """A timestamp as a whole number of microseconds, for sort keys that must order exactly."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _encode(key: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[Any]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise _bad_cursor("can't be read") from None
    if not isinstance(key, list):
        raise _bad_cursor("can't be read")
    return key

LINK_HEADER = 'a `Link` header with `rel="next"`'  # app.openapi documents the header where this is said


class Paging:
    """The `limit` and `cursor` of a list request, and where to put its next link."""

    def __init__(self, request: Request, response: Response,
                 limit: Annotated[int | None, Query(ge=1, le=MAX_LIMIT, description=(
                     f"At most this many items (1 to {MAX_LIMIT}); {LINK_HEADER} gives the next page. Without it, "
                     "the whole list"))] = None,
                 cursor: Annotated[str | None, Query(max_length=4000, pattern=r"^[A-Za-z0-9_-]+$", description=(
                     "From the previous page's next link: the items after that page"))] = None) -> None:
        self.request, self.response, self.limit, self.cursor = request, response, limit, cursor

    def page(self, items: Iterable[T], key: Callable[[T], list[Any]]) -> list[T]:
        """The items of this page, in `key` order (lists of strings and numbers, compared element by element)."""
        keyed = sorted(((key(item), item) for item in items), key=lambda pair: pair[0])
        if self.cursor is not None:
            after = _decode(self.cursor)
            try:
                keyed = [pair for pair in keyed if pair[0] > after]
            except TypeError:  # a cursor of another list
                raise _bad_cursor("belongs to another list") from None
        if self.limit is None or len(keyed) <= self.limit:
            return [item for _, item in keyed]
        keyed = keyed[: self.limit]
        url = self.request.url.include_query_params(limit=self.limit, cursor=_encode(keyed[-1][0]))
        self.response.headers["Link"] = f'<{url}>; rel="next"'
        return [item for _, item in keyed]


PagingDep = Annotated[Paging, Depends()]
