"""Tables as the reports and the raw export publish them: one shared writer for CSV (two dialects) and XLSX, and the
one place that says how precisely a figure is written (docs/exports.md).

A report hands its rows as a `Table`; the figures in the rows are the JSON's figures, hidden ones `None`, so every
format carries exactly what the JSON carries. CSV rounds each float by its column's kind (`precision`); XLSX keeps
full precision in the cell and shows it rounded by a number format of the same kind.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Cell = str | int | float | bool | None
Kind = Literal["p", "share", "figure"]
Dialect = Literal["rfc4180", "excel-nl"]

# How a float is written in CSV, per kind of column. Integers (counts, n, ranks) are written as they are.
DECIMALS: dict[Kind, int] = {"share": 3, "figure": 3}  # shares 0..1; means, SDs, intervals, differences, effects
P_SIGNIFICANT = 4  # p-values: four significant digits (1.234e-05 stays readable, 0.04996 stays below .05)
SHARES = ("favourable", "unfavourable", "neutral", "rate", "dont_know_share", "share")


def kind(column: str) -> Kind:
    """The kind of a column, by its name: `p`, `*_p`, `*_p_adjusted`, `*_p_holm` hold p-values; the share columns
    (`favourable`, `rate`, `dont_know_share`, ... also with a `current_` or other prefix) hold shares 0..1."""
    if column in ("p", "p_adjusted") or column.endswith(("_p", "_p_adjusted", "_p_holm")):
        return "p"
    if column.endswith(SHARES) and not column.endswith("_change"):
        return "share"
    return "figure"


def text_of(value: float, k: Kind) -> str:
    """A float as CSV writes it: rounded to its kind's precision, `.` as decimal point."""
    text = f"{value:.{P_SIGNIFICANT}g}" if k == "p" else f"{value:.{DECIMALS[k]}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # no "-0.000"


def safe_text(value: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading `'`."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@dataclass(frozen=True)
class Table:
    """One table: `name` names the file (and the sheet); `split`: in XLSX, one sheet per value of that column
    (the CSV keeps them in one table, the column saying which rows are which)."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    split: str | None = None
    comment: str | None = None  # a first `#` line in CSV, an `about` sheet in XLSX
    sheet: str | None = None  # the XLSX sheet's name, when not `name`
    escape: bool = True  # CSV: prefix text a spreadsheet would run as a formula (not in the raw export: re-imported)
    kinds: list[Kind] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kinds", [kind(c) for c in self.header])

    def kind_at(self, column: int) -> Kind:
        return self.kinds[column] if column < len(self.kinds) else "figure"


def csv_cell(value: Cell, k: Kind, dialect: Dialect, *, escape: bool = True) -> str | int:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return safe_text(value) if escape else value
    if isinstance(value, int):
        return value
    if not isinstance(value, float):  # a uuid
        return str(value)
    text = text_of(value, k)
    return text.replace(".", ",") if dialect == "excel-nl" else text


def csv_chunks(table: Table, dialect: Dialect, *, every: int = 5000) -> Iterable[str]:
    """The table as CSV text, in chunks of `every` rows. `rfc4180`: comma, `.`, CRLF; `excel-nl` (Dutch Excel):
    semicolon, decimal comma, CRLF, and a UTF-8 byte order mark so Excel reads the file as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if dialect == "excel-nl" else ",", lineterminator="\r\n")
    if dialect == "excel-nl":
        out.write("\ufeff")
    if table.comment:
        out.write(table.comment + "\r\n")
    writer.writerow(table.header)
    yield out.getvalue()
    out.seek(0)
    out.truncate()
    for i, row in enumerate(table.rows, 1):
        writer.writerow([csv_cell(v, table.kind_at(j), dialect, escape=table.escape) for j, v in enumerate(row)])
        if i % every == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def csv_text(table: Table, dialect: Dialect = "rfc4180") -> str:
    return "".join(csv_chunks(table, dialect))
