"""SPSS syntax with the data inside: one `.sps` file that SPSS (File > Open > Syntax, Run All) or PSPP runs to get
the raw export as a dataset with variable labels (the statements), value labels (the answer scale) and "don't
know" as a user-missing value. No dependency: the file is text, written while its rows are read, from the same
k-anonymous table as the CSV and XLSX.

    DATA LIST LIST / unit_path (A200) ... openness_1 (F3.0) ... .
    BEGIN DATA
    "Town/Roads","","*","*","web",4,2,99,,5
    END DATA.
    VARIABLE LABELS ... / VALUE LABELS ... / MISSING VALUES ... / VARIABLE LEVEL ... .
"""

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from app.exports.tables import Cell

MEDIA_TYPE = "text/x-spss-syntax; charset=utf-8"
DONT_KNOW_CODE = 99
_NAME = re.compile(r"[^A-Za-z0-9_.@#$]")
_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}


@dataclass(frozen=True)
class Variable:
    """One column of the table as an SPSS variable. `text`: a string variable of `width` bytes; otherwise a scale
    answer coded as its number, `dont_know` as DONT_KNOW_CODE (user-missing)."""

    column: str
    label: str
    text: bool = False
    width: int = 0
    value_labels: dict[int, str] = field(default_factory=dict)
    note: str | None = None  # a comment line about it (reverse keying)
    reverse: bool = False  # a reverse-keyed statement (the `.sav` marks it in its label)


def spss_names(columns: Sequence[str]) -> list[str]:
    """Valid, distinct SPSS variable names (a letter first, at most 64 bytes, no reserved word)."""
    names: list[str] = []
    taken: set[str] = set()
    for column in columns:
        name = _NAME.sub("_", column.replace(":", "_"))
        if not name[:1].isalpha():
            name = "v" + name
        name = name[:60].rstrip(".")
        if name.upper() in _RESERVED:
            name += "_"
        base, n = name, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name.lower())
        names.append(name)
    return names


def _quoted(text: str, limit: int) -> str:
    """A quoted SPSS string of at most `limit` UTF-8 bytes."""
    raw = text.replace("\r", " ").replace("\n", " ")
    while len(raw.encode()) > limit:
        raw = raw[:-1]
    return "'" + raw.replace("'", "''") + "'"


def quoted_datum(text: str) -> str:
    """A string cell of DATA LIST LIST, in the quote it does not hold: PSPP reads no doubled quote inside data (SPSS
    does), so a text holding both kinds has its `"` written as `'` (the one change to any value; docs/exports.md)."""
    if '"' in text and "'" in text:
        text = text.replace('"', "'")
    quote = "'" if '"' in text else '"'
    return quote + text + quote


def _datum(value: Cell, variable: Variable) -> str:
    if variable.text:
        return quoted_datum("" if value is None else str(value))
    if value is None:
        return ""
    if value == "dont_know":
        return str(DONT_KNOW_CODE)
    return str(value)


def sps_chunks(header: Sequence[str], rows: Iterable[Sequence[Cell]], variables: Sequence[Variable],
               comment: str | None, incomplete: str | None = None) -> Iterator[bytes]:
    """The syntax file, a chunk of rows at a time. A row of one cell equal to `incomplete` becomes a comment after
    the data (as the CSV's last line says it)."""
    by_column = {v.column: v for v in variables}
    ordered = [by_column[c] for c in header]
    names = spss_names(header)
    lines = ["* Encoding: UTF-8.", *(f"* {line.lstrip('# ')}." for line in [comment] if line),
             "* Run it whole (SPSS: Run > All; PSPP: pspp file.sps) to get the dataset.",
             "SET DECIMAL=DOT.", "DATA LIST LIST /"]
    for name, v in zip(names, ordered, strict=True):
        lines.append(f"  {name} ({'A' + str(v.width) if v.text else 'F3.0'})")
    lines[-1] += "."
    lines.append("BEGIN DATA")
    yield ("\n".join(lines) + "\n").encode()
    cut_short = False
    buffer: list[str] = []
    for row in rows:
        if incomplete is not None and len(row) == 1 and row[0] == incomplete:
            cut_short = True
            continue
        buffer.append(",".join(_datum(value, v) for value, v in zip(row, ordered, strict=True)))
        if len(buffer) >= 1000:
            yield ("\n".join(buffer) + "\n").encode()
            buffer = []
    tail = [*buffer, "END DATA."]
    if cut_short:
        tail.append(f"* {incomplete.lstrip('# ') if incomplete else ''}.")
    tail.append("VARIABLE LABELS")
    tail += [f"  {'/' if i else ''}{name} {_quoted(v.label, 250)}"
             for i, (name, v) in enumerate(zip(names, ordered, strict=True))]
    tail[-1] += "."
    scales = [(name, v) for name, v in zip(names, ordered, strict=True) if not v.text]
    if scales:
        tail.append("VALUE LABELS")
        for i, (name, v) in enumerate(scales):
            labels = " ".join(f"{code} {_quoted(text, 120)}" for code, text in sorted(v.value_labels.items()))
            tail.append(f"  {'/' if i else ''}{name} {labels}")
        tail[-1] += "."
        tail.append("MISSING VALUES " + " ".join(name for name, _ in scales) + f" ({DONT_KNOW_CODE}).")
        tail.append("VARIABLE LEVEL " + " ".join(name for name, _ in scales) + " (ORDINAL).")
    texts = [name for name, v in zip(names, ordered, strict=True) if v.text]
    if texts:
        tail.append("VARIABLE LEVEL " + " ".join(texts) + " (NOMINAL).")
    tail += [f"* {name}: {v.note}." for name, v in zip(names, ordered, strict=True) if v.note]
    tail += ["EXECUTE."]
    yield ("\n".join(tail) + "\n").encode()
