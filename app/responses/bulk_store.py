"""Storing imported responses at database speed, inside the request's transaction.

On PostgreSQL the rows stream through one binary `COPY responses (...) FROM STDIN` on the session's own psycopg
connection: each batch becomes one numpy structured array whose bytes are COPY's binary row format, so no Python
runs per row, and the server inserts while the next batch is parsed. On SQLite each batch is one `executemany`.
Either way nothing is committed here: the request's session commits or rolls back everything, units created on the
way included.

While a COPY is open the connection can run nothing else, so `pause()` ends it before the importer queries (it
starts again with the next batch). A driver error is raised as SQLAlchemy's wrapped error (IntegrityError, ...),
which the error handlers turn into problem details.
"""

import logging
import os
import sqlite3
import struct
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from itertools import repeat
from typing import Any, Protocol

import numpy as np
import psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

SOURCE = b"import"
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_TRAILER = struct.pack(">h", -1)


class IdTable:
    """UUIDs numbered in the order they are added: as 16-byte values for binary COPY, as hex for SQLite."""

    def __init__(self) -> None:
        self.ids: list[uuid.UUID] = []
        self.index: dict[uuid.UUID, int] = {}
        self._raw: np.ndarray | None = None
        self._hex: list[str] | None = None

    def add(self, id_: uuid.UUID) -> int:
        if id_ not in self.index:
            self.index[id_] = len(self.ids)
            self.ids.append(id_)
            self._raw = self._hex = None
        return self.index[id_]

    def raw(self) -> np.ndarray:
        if self._raw is None:
            self._raw = np.frombuffer(b"".join(i.bytes for i in self.ids), "V16")
        return self._raw

    def hex(self) -> list[str]:
        if self._hex is None:
            self._hex = [i.hex for i in self.ids]
        return self._hex


@dataclass(frozen=True)
class PackedRows:
    """A batch ready to store: per row the index of its unit and layer (-1: none) and the packed answers."""

    unit: np.ndarray
    layer: np.ndarray
    current: np.ndarray  # int8, rows x items
    desired: np.ndarray | None  # None when the survey doesn't ask how it should be


def new_ids(n: int) -> np.ndarray:
    """n random version-4 UUIDs as an (n, 16) byte array (what `uuid.uuid4()` does, a batch at a time)."""
    raw = np.frombuffer(os.urandom(16 * n), np.uint8).reshape(n, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    return raw


class ResponseWriter(Protocol):
    def write(self, rows: PackedRows) -> None: ...

    def pause(self) -> None: ...


def _driver_connection(session: Session) -> Any:
    """The driver's own connection (psycopg or sqlite3) under the session, inside the request's transaction."""
    return session.connection().connection.driver_connection


def _driver_errors(dbapi_error: type[Exception], statement: str) -> Callable[[Exception], Exception]:
    def wrap(exc: Exception) -> Exception:
        return DBAPIError.instance(statement, None, exc, dbapi_error) if isinstance(exc, dbapi_error) else exc
    return wrap


class PostgresCopy:
    def __init__(self, session: Session, survey_id: uuid.UUID, items: int, ask_desired: bool, units: IdTable,
                 layers: IdTable) -> None:
        self.connection: psycopg.Connection[Any] = _driver_connection(session)
        self.units, self.layers = units, layers
        columns = "id, survey_id, unit_id, layer_id, source, current" + (", desired" if ask_desired else "")
        self.statement = f"COPY responses ({columns}) FROM STDIN (FORMAT BINARY)"
        self.templates = {has_layer: _template(survey_id, items, has_layer, ask_desired)
                          for has_layer in (True, False)}
        self.wrap = _driver_errors(psycopg.Error, self.statement)
        self._stack: ExitStack | None = None
        self._copy: psycopg.Copy | None = None

    def write(self, rows: PackedRows) -> None:
        ids = new_ids(len(rows.unit)).view("V16").ravel()
        parts = []
        for has_layer, template in self.templates.items():
            chosen = np.flatnonzero((rows.layer >= 0) == has_layer)
            if not len(chosen):
                continue
            out = np.repeat(template, len(chosen))
            out["id"] = ids[chosen]
            out["unit_id"] = self.units.raw()[rows.unit[chosen]]
            if has_layer:
                out["layer_id"] = self.layers.raw()[rows.layer[chosen]]
            out["current"] = _as_void(rows.current[chosen])
            if rows.desired is not None:
                out["desired"] = _as_void(rows.desired[chosen])
            parts.append(out.tobytes())
        try:
            self._open().write(b"".join(parts))
        except psycopg.Error as exc:
            raise self.wrap(exc) from exc

    def _open(self) -> "psycopg.Copy":
        if self._copy is None:
            self._stack = ExitStack()
            cursor = self._stack.enter_context(self.connection.cursor())
            self._copy = self._stack.enter_context(cursor.copy(self.statement))
            self._copy.write(_SIGNATURE)
        return self._copy

    def pause(self) -> None:
        """End the COPY (the server confirms every row so far) so that other statements can run."""
        if self._copy is None or self._stack is None:
            return
        stack, copy = self._stack, self._copy
        self._stack = self._copy = None
        try:
            copy.write(_TRAILER)
            stack.close()
        except psycopg.Error as exc:
            raise self.wrap(exc) from exc

    def abort(self, exc: BaseException) -> None:
        """End an open COPY with an error: the server drops it (the session then rolls back)."""
        if self._stack is not None:
            stack, self._stack, self._copy = self._stack, None, None
            try:
                stack.__exit__(type(exc), exc, exc.__traceback__)
            except psycopg.Error:
                log.warning("aborting the COPY of an import failed", exc_info=True)  # the rollback follows anyway


def _as_void(codes: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(codes).view(f"V{codes.shape[1]}").ravel()


def _template(survey_id: uuid.UUID, items: int, has_layer: bool, ask_desired: bool) -> np.ndarray:
    """One row of COPY's binary format (field count, then per field its length and bytes; -1 = NULL), with
    the fixed parts filled in."""
    fields: list[tuple[str, str]] = [("fields", ">i2")]
    lengths: dict[str, int] = {}
    for name, size in (("id", 16), ("survey_id", 16), ("unit_id", 16), ("layer_id", 16 if has_layer else -1),
                       ("source", len(SOURCE)), ("current", items), ("desired", items if ask_desired else None)):
        if size is None:
            continue
        fields.append((f"{name}_length", ">i4"))
        lengths[name] = size
        if size >= 0:
            fields.append((name, f"V{size}"))
    row = np.zeros(1, np.dtype(fields))
    row["fields"] = len(lengths)
    for name, size in lengths.items():
        row[f"{name}_length"] = size
    row["survey_id"] = np.frombuffer(survey_id.bytes, "V16")
    row["source"] = np.frombuffer(SOURCE, f"V{len(SOURCE)}")
    return row


class SqliteInserts:
    def __init__(self, session: Session, survey_id: uuid.UUID, items: int, ask_desired: bool, units: IdTable,
                 layers: IdTable) -> None:
        self.connection: sqlite3.Connection = _driver_connection(session)
        self.survey_id, self.items, self.units, self.layers = survey_id.hex, items, units, layers
        self.statement = ("INSERT INTO responses (id, survey_id, unit_id, layer_id, source, current, desired) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)")
        self.wrap = _driver_errors(sqlite3.Error, self.statement)

    def write(self, rows: PackedRows) -> None:
        n, w = len(rows.unit), self.items
        ids = new_ids(n).tobytes().hex()
        unit_hex, layer_hex = self.units.hex(), self.layers.hex()
        current = rows.current.tobytes()
        desired = rows.desired.tobytes() if rows.desired is not None else None
        params = zip((ids[i:i + 32] for i in range(0, 32 * n, 32)),
                     repeat(self.survey_id), (unit_hex[u] for u in rows.unit.tolist()),
                     (layer_hex[la] if la >= 0 else None for la in rows.layer.tolist()), repeat(SOURCE.decode()),
                     (current[i:i + w] for i in range(0, n * w, w)),
                     (desired[i:i + w] for i in range(0, n * w, w)) if desired is not None else repeat(None))
        try:
            self.connection.executemany(self.statement, params)
        except sqlite3.Error as exc:
            raise self.wrap(exc) from exc

    def pause(self) -> None:
        pass


@contextmanager
def response_writer(session: Session, survey_id: uuid.UUID, items: int, ask_desired: bool, units: IdTable,
                    layers: IdTable) -> Iterator[ResponseWriter]:
    """The engine's writer; on PostgreSQL an open COPY is ended when the block ends, or aborted when it raises."""
    if session.get_bind().dialect.name != "postgresql":
        yield SqliteInserts(session, survey_id, items, ask_desired, units, layers)
        return
    writer = PostgresCopy(session, survey_id, items, ask_desired, units, layers)
    try:
        yield writer
    except BaseException as exc:
        writer.abort(exc)
        raise
    writer.pause()
