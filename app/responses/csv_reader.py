"""Reading an uploaded CSV file row by row, for the imports of responses and invitations.

The upload is already spooled to a temporary file by the multipart parser; this reads it through a decoder and the
csv module one row at a time, so a file of any length never sits in memory whole. Errors are collected per line
(`loc = ["file", line, column]`, at most `MAX_ERRORS` of them) so a user can fix a file in one go.
"""

import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from app.errors import Unprocessable

MAX_ERRORS = 200


@dataclass
class LineErrors:
    """Errors found in a file, by line; `full` once enough are listed to stop reading."""

    items: list[dict[str, Any]] = field(default_factory=list)
    limit: int = MAX_ERRORS

    def add(self, line: int, column: str, msg: str, type_: str = "value_error.csv") -> None:
        if len(self.items) < self.limit:
            self.items.append({"loc": ["file", line, column], "msg": msg, "type": type_})

    @property
    def full(self) -> bool:
        return len(self.items) >= self.limit

    def raise_if_any(self) -> None:
        if self.items:
            more = " (only the first errors are listed)" if self.full else ""
            raise Unprocessable(f"The file has errors; nothing was imported{more}.", errors=self.items)


@dataclass
class CsvFile:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number, cells), blank lines skipped


def _not_utf8() -> Unprocessable:
    return Unprocessable("The file is not UTF-8 text; save it as \"CSV UTF-8\" and try again.")


def open_csv(raw: IO[bytes]) -> CsvFile:
    """The header (cells stripped) and a row iterator of an uploaded CSV, comma or semicolon separated.
    Raises `Unprocessable` when the file is empty, not UTF-8, or not CSV (also while iterating)."""
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
    except UnicodeDecodeError:
        raise _not_utf8() from None
    if not first.strip():
        raise Unprocessable("The file is empty: the first line must name the columns.")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(itertools.chain([first], text), delimiter=delimiter, strict=True)
    try:
        header = [cell.strip() for cell in next(reader)]
    except csv.Error as exc:
        raise Unprocessable(f"The header line is not valid CSV: {exc}.") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise _not_utf8() from None
            except csv.Error as exc:
                raise Unprocessable("The file is not valid CSV; nothing was imported.", errors=[
                    {"loc": ["file", reader.line_num, ""], "msg": f"not valid CSV: {exc}",
                     "type": "value_error.csv"}]) from None
            if "".join(row).strip():  # not a blank line (no cell with anything but whitespace)
                yield reader.line_num, row

    return CsvFile(header=header, rows=rows())


def check_header(header: list[str], errors: LineErrors) -> None:
    """Empty and repeated column names."""
    seen: set[str] = set()
    for name in header:
        if not name:
            errors.add(1, "", "a column has no name")
        elif name in seen:
            errors.add(1, name, "the column appears twice")
        seen.add(name)
