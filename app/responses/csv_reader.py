"""Reading an uploaded CSV file (or an XLSX workbook's first sheet) row by row, for the imports of responses and
invitations.

The upload is already spooled to a temporary file by the multipart parser; this reads it through a decoder and the
csv module one row at a time, so a file of any length never sits in memory whole. Errors are collected per line
(`loc = ["file", line, column]`, at most `MAX_ERRORS` of them) so a user can fix a file in one go. A line whose first
cell starts with `#` is a comment (the anonymous export's summary line) and is skipped, before the header and below.

An upload that starts as a zip is taken as an XLSX workbook: its first sheet is read by `app.xlsx_read` (cells as
text, whole numbers without `.0`), the line numbers are the row numbers Excel shows, and blank and `#` rows are
skipped as in a CSV. A workbook is read whole (the upload limit bounds it); a sheet's row ends at its last non-empty
cell within the header's columns, so a row Excel stored shorter or with empty cells after the last column reads as
a CSV line of the header's width.
"""

import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from app import xlsx_read
from app.csv_encoding import delimiter_of, not_text, text_stream
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
    rows: Iterator[tuple[int, list[str]]]  # (line number, cells), blank and comment lines skipped
    header_line: int = 1


def _is_comment(row: list[str]) -> bool:
    """A line whose first cell starts with `#` (such as the summary line of the anonymous export)."""
    return bool(row) and row[0].lstrip().startswith("#")


def open_csv(raw: IO[bytes]) -> CsvFile:
    """The header (cells stripped) and a row iterator of an uploaded CSV, comma, semicolon or tab separated, in any
    encoding `app.csv_encoding` knows, or of an XLSX workbook's first sheet. Raises `Unprocessable` when the file
    is empty, not text, or not CSV (also while iterating)."""
    if raw.seekable():
        start = raw.read(len(xlsx_read.ZIP_MAGIC))
        raw.seek(0)
        if xlsx_read.is_xlsx(start):
            return _open_sheet(raw.read())
    text = text_stream(raw)
    comments: list[str] = []
    try:
        first = text.readline()
        while first.lstrip().startswith("#"):  # comment lines before the header
            comments.append(first)
            first = text.readline()
    except UnicodeDecodeError:
        raise not_text() from None
    if not first.strip():
        raise Unprocessable("The file is empty: the first line must name the columns.")
    reader = csv.reader(itertools.chain([*comments, first], text), delimiter=delimiter_of(first), strict=True)
    try:
        header = next(reader)
        while _is_comment(header):
            header = next(reader)
        header = [cell.strip() for cell in header]
    except csv.Error as exc:
        raise Unprocessable(f"The header line is not valid CSV: {exc}.") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise not_text() from None
            except csv.Error as exc:
                raise Unprocessable("The file is not valid CSV; nothing was imported.", errors=[
                    {"loc": ["file", reader.line_num, ""], "msg": f"not valid CSV: {exc}",
                     "type": "value_error.csv"}]) from None
            if "".join(row).strip() and not _is_comment(row):  # not a blank line, nor a comment
                yield reader.line_num, row

    return CsvFile(header=header, rows=rows(), header_line=reader.line_num)


def _open_sheet(raw: bytes) -> CsvFile:
    """`open_csv` for a workbook: the first non-comment row is the header; rows as wide as the header, unless a
    cell beyond it holds something (then the row keeps it, and the import reports the extra cells)."""
    sheet = (row for row in xlsx_read.rows(raw) if not _is_comment(row[1]))
    first = next(sheet, None)
    if first is None:
        raise Unprocessable("The workbook's first sheet is empty: its first row must name the columns.")
    header_line, header = first
    while header and not header[-1].strip():
        header.pop()
    width = len(header)

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, cells in sheet:
            if len(cells) > width and not any(c.strip() for c in cells[width:]):
                cells = cells[:width]
            yield number, cells + [""] * (width - len(cells))

    return CsvFile(header=[cell.strip() for cell in header], rows=rows(), header_line=header_line)


def known_columns(csv_file: CsvFile, columns: tuple[str, ...], required: tuple[str, ...]) -> dict[str, int]:
    """Where each of `columns` is in the file's header (case-insensitive), after checking that the header names
    only those, each once, and every `required` one; raises `Unprocessable` listing every problem."""
    errors = LineErrors()
    header = [name.lower() for name in csv_file.header]
    check_header(header, errors, csv_file.header_line)
    for name in header:
        if name and name not in columns:
            errors.add(csv_file.header_line, name, f"unknown column; the columns are {', '.join(columns)}")
    for name in required:
        if name not in header:
            errors.add(csv_file.header_line, name, "missing column")
    errors.raise_if_any()
    return {name: header.index(name) for name in columns if name in header}


def check_header(header: list[str], errors: LineErrors, line: int = 1) -> None:
    """Empty and repeated column names."""
    seen: set[str] = set()
    for name in header:
        if not name:
            errors.add(line, "", "a column has no name")
        elif name in seen:
            errors.add(line, name, "the column appears twice")
        seen.add(name)
