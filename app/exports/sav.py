"""The raw export as an SPSS data file (`format=sav`), written by pyreadstat (ReadStat) from a pandas data frame:
the same rows as the CSV, with the variables, labels and missing values of the syntax export (`app.exports.spss`):

- variable names: `spss_names` (`openness_1:desired` is `openness_1_desired`);
- variable labels: the statements (a reverse-keyed one ends in ` (reverse-keyed)`), the describing columns' names;
- value labels: the answer scale, and `DONT_KNOW_CODE` (99) for "don't know", declared user-missing;
- measure: statements ordinal, the describing columns nominal; formats `F3.0` and `A<width>`;
- notes (SPSS: `DISPLAY DOCUMENTS`; lines of at most 80 bytes): the export's `#` line, the reverse-keyed
  statements and, when an erasure cut the export short, its `# incomplete` line.

The file is built whole (a `.sav` header says how many rows follow) in a temporary file and then sent; the rows
are read as for the CSV, each chunk in a short transaction of its own.
"""

import math
import tempfile
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from app.exports.spss import DONT_KNOW_CODE, Variable, spss_names
from app.exports.tables import Cell

MEDIA_TYPE = "application/x-spss-sav"
REVERSE_MARK = " (reverse-keyed)"
NOTE_BYTES = 80  # a line of the file's documents
LABEL_BYTES = 255  # SPSS keeps a variable label of up to 256 bytes
VALUE_LABEL_BYTES = 120


def _cut(text: str, limit: int) -> str:
    raw = text.replace("\r", " ").replace("\n", " ")
    while len(raw.encode()) > limit:
        raw = raw[:-1]
    return raw


def variable_label(variable: Variable) -> str:
    """The label, marked when the statement is reverse-keyed (the mark is kept when the text is cut to fit)."""
    if not variable.reverse:
        return _cut(variable.label, LABEL_BYTES)
    return _cut(variable.label, LABEL_BYTES - len(REVERSE_MARK.encode())) + REVERSE_MARK


def _note_lines(note: str) -> list[str]:
    """A note as the file's document lines of at most `NOTE_BYTES` bytes each."""
    lines = textwrap.wrap(note, NOTE_BYTES, break_long_words=True)
    return [_cut(line, NOTE_BYTES) for line in lines]


def _number(value: Cell) -> float:
    if value is None:
        return math.nan
    if value == "dont_know":
        return float(DONT_KNOW_CODE)
    return float(value)


def write_sav(header: Sequence[str], rows: Iterable[Sequence[Cell]], variables: Sequence[Variable],
              comment: str | None, path: Path, incomplete: str | None = None) -> None:
    """Write the `.sav` to `path`. A row of one cell equal to `incomplete` becomes a note."""
    import pandas as pd  # imported here: only this export needs it
    import pyreadstat

    by_column = {v.column: v for v in variables}
    ordered = [by_column[c] for c in header]
    names = spss_names(header)
    columns: list[list[object]] = [[] for _ in header]
    cut_short = False
    for row in rows:
        if incomplete is not None and len(row) == 1 and row[0] == incomplete:
            cut_short = True
            continue
        for cells, value, v in zip(columns, row, ordered, strict=True):
            cells.append(("" if value is None else str(value)) if v.text else _number(value))
    frame = pd.DataFrame({name: pd.Series(cells, dtype=object if v.text else "float64")
                          for name, cells, v in zip(names, columns, ordered, strict=True)})
    scales = [(name, v) for name, v in zip(names, ordered, strict=True) if not v.text]
    notes = [line.lstrip("# ") for line in [comment] if line]
    notes += [f"{name}: reverse-keyed (answers as ticked, not reversed)" for name, v in scales if v.reverse]
    if cut_short and incomplete:
        notes.append(incomplete.lstrip("# "))
    pyreadstat.write_sav(
        frame, str(path),
        column_labels={name: variable_label(v) for name, v in zip(names, ordered, strict=True)},
        note=[line for note in notes for line in _note_lines(note)] or None,
        variable_value_labels={name: {float(code): _cut(text, VALUE_LABEL_BYTES)
                                      for code, text in sorted(v.value_labels.items())} for name, v in scales},
        missing_ranges={name: [float(DONT_KNOW_CODE)] for name, _ in scales},
        variable_measure={name: "nominal" if v.text else "ordinal" for name, v in zip(names, ordered, strict=True)},
        variable_format={name: f"A{v.width}" if v.text else "F3.0" for name, v in zip(names, ordered, strict=True)},
    )


def sav_chunks(header: Sequence[str], rows: Iterable[Sequence[Cell]], variables: Sequence[Variable],
               comment: str | None, incomplete: str | None = None) -> Iterator[bytes]:
    """The file's bytes, once written whole to a temporary file."""
    with tempfile.TemporaryDirectory(prefix="culturegap-sav-") as folder:
        path = Path(folder) / "export.sav"
        write_sav(header, rows, variables, comment, path, incomplete)
        with path.open("rb") as f:
            while chunk := f.read(1 << 16):
                yield chunk
