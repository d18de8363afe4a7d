"""XLSX of one or more tables (XlsxWriter): one sheet per table (or per value of its `split` column), a frozen,
bold header row, column widths from the content, and number formats by column kind -- the cell holds the JSON's
full-precision figure, the format shows it as the CSV writes it (`app.exports.tables`). Text is always written as
text (never run as a formula or turned into a link)."""

import itertools
import re
from collections.abc import Iterable, Sequence
from typing import IO

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from app.exports.tables import DECIMALS, Cell, Kind, Table

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS: dict[Kind | None, str] = {
    None: "0",  # integers: counts, n, ranks
    "figure": "0." + "0" * DECIMALS["figure"],
    "share": "0.0%",
    "p": "[<0.0001]0.000E+00;0.0000",
}
MAX_WIDTH = 60
SHEET_ROWS = 1_048_575  # Excel's rows per sheet, less the header


def _sheet_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "_", name)[:31] or "sheet"
    out, i = base, 2
    while out.lower() in taken:
        out = f"{base[:28]}_{i}"
        i += 1
    taken.add(out.lower())
    return out


class _Writer:
    def __init__(self, target: str | IO[bytes], *, streamed: bool) -> None:
        self.book = xlsxwriter.Workbook(target, {
            "constant_memory": streamed, "in_memory": not streamed, "strings_to_formulas": False,
            "strings_to_urls": False, "strings_to_numbers": False})
        self.header = self.book.add_format({"bold": True, "bottom": 1})
        self.formats: dict[Kind | None, Format] = {
            k: self.book.add_format({"num_format": f}) for k, f in NUMBER_FORMATS.items()}
        self.taken: set[str] = set()

    def sheet(self, name: str, table: Table, rows: Sequence[Sequence[Cell]] | Iterable[Sequence[Cell]]) -> None:
        ws: Worksheet = self.book.add_worksheet(_sheet_name(name, self.taken))
        widths = [len(h) for h in table.header]
        for c, h in enumerate(table.header):
            ws.write_string(0, c, h, self.header)
        ws.freeze_panes(1, 0)
        r = 0
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row):
                width = self.cell(ws, r, c, value, table.kind_at(c))
                if c < len(widths):
                    widths[c] = max(widths[c], width)
                else:
                    widths.append(width)
        for c, w in enumerate(widths):
            ws.set_column(c, c, min(w + 2, MAX_WIDTH))
        if table.header:
            ws.autofilter(0, 0, max(r, 1), len(table.header) - 1)

    def cell(self, ws: Worksheet, r: int, c: int, value: Cell, kind: Kind) -> int:
        if value is None:
            return 0
        if isinstance(value, bool):
            ws.write_boolean(r, c, value)
            return 5
        if isinstance(value, str):
            ws.write_string(r, c, value)
            return len(value)
        if isinstance(value, int):
            ws.write_number(r, c, value, self.formats[None])
            return len(str(value))
        if not isinstance(value, float):  # a uuid
            ws.write_string(r, c, str(value))
            return len(str(value))
        ws.write_number(r, c, value, self.formats[kind])
        return 10

    def about(self, text: str) -> None:
        ws = self.book.add_worksheet(_sheet_name("about", self.taken))
        for r, line in enumerate(text.lstrip("# ").split(", ")):
            ws.write_string(r, 0, line)
        ws.set_column(0, 0, MAX_WIDTH)


def write_xlsx(tables: Sequence[Table], target: str | IO[bytes], *, streamed: bool = False,
               sheet_rows: int = SHEET_ROWS) -> None:
    """Write the tables to `target`. `streamed`: rows are written as they come (XlsxWriter's constant-memory mode,
    for the long raw export), a table longer than a sheet continues on `<name>_2`, ...; else each table is held to
    split it."""
    w = _Writer(target, streamed=streamed)
    for table in tables:
        if streamed:
            rows = iter(table.rows)
            for part in itertools.count():
                first = next(rows, None)
                if first is None and part:
                    break
                w.sheet(table.sheet or table.name, table,
                        itertools.chain([] if first is None else [first], itertools.islice(rows, sheet_rows - 1)))
        elif table.split is None:
            w.sheet(table.sheet or table.name, table, list(table.rows))
        else:
            at = list(table.header).index(table.split)
            groups: dict[str, list[Sequence[Cell]]] = {}
            for row in table.rows:
                groups.setdefault(str(row[at]), []).append(row)
            for value, group in groups.items() or [(table.name, [])]:
                w.sheet(value, table, group)
        if table.comment:
            w.about(table.comment)
    w.book.close()
