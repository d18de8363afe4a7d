"""Turning the answer cells of an imported file into packed answer codes, a batch at a time, at numpy speed.

A file of 100,000 rows x 30 items has 3,000,000 answer cells; judging each one in Python (strip, match, range check)
costs seconds. Almost every cell is empty or one character ("1".."5"), so a batch is joined into one string, split
with numpy, and the one-byte cells are looked up in a 256-entry table; only longer cells ("dont_know", "10", " 3 ",
junk) go through `code()`, which judges a cell exactly as a single cell is judged everywhere else (`answer_problem`)
and remembers the verdict. The table itself is filled by `code()`, so both paths agree by construction.
"""

import re

import numpy as np

from app.questionnaires.service import QuestionnaireDefinition
from app.responses.codec import DONT_KNOW, DONT_KNOW_VALUE, MISSING, Answer, answer_problem

INVALID = 127
"""The code of a cell that is not an answer (scale points lie within -100..100, so no answer has this code)."""

_INTEGER = re.compile(r"[+-]?\d{1,4}")
_SEPARATOR = "\x1f"
_MAX_REMEMBERED = 10_000  # distinct long cells whose verdict is kept (bounds memory on a file full of junk)


def parse_cell(definition: QuestionnaireDefinition, cell: str, key: str | None = None) -> tuple[Answer, str | None]:
    """The answer in one cell (None when empty), or why it is not one (on item `key`'s scale when given, else on
    any of the questionnaire's)."""
    text = cell.strip()
    if not text:
        return None, None
    value: object
    if text.lower() == DONT_KNOW_VALUE:
        value = DONT_KNOW_VALUE
    elif _INTEGER.fullmatch(text):
        value = int(text)
    else:
        value = text
    problem = answer_problem(definition, value, key)
    if problem is not None:
        return None, problem.msg
    return value, None  # type: ignore[return-value]


class CellCodes:
    def __init__(self, definition: QuestionnaireDefinition) -> None:
        self.definition = definition
        self._known: dict[str, int] = {}
        self._one_byte = np.full(256, INVALID, np.int8)  # bytes >= 0x80 start multi-byte characters: never one cell
        for byte in range(128):
            self._one_byte[byte] = self.code(chr(byte))

    def code(self, cell: str) -> int:
        known = self._known.get(cell)
        if known is not None:
            return known
        answer, problem = parse_cell(self.definition, cell)
        if problem is not None:
            code = INVALID
        elif answer is None:
            code = MISSING
        elif answer == DONT_KNOW_VALUE:
            code = DONT_KNOW
        else:
            code = int(answer)
        if len(self._known) < _MAX_REMEMBERED:
            self._known[cell] = code
        return code

    def problem(self, cell: str, key: str | None = None) -> str:
        """Why a cell coded `INVALID` (in item `key`'s column) is not an answer."""
        return parse_cell(self.definition, cell, key)[1] or "not an answer"

    def fit_columns(self, codes: np.ndarray, positions: list[int]) -> np.ndarray:
        """Codes of a rows x columns batch (column c answers the item at `positions[c]`) with every answer that
        lies off its own item's scale (a dimension with its own range or without "don't know") set to `INVALID`.
        The cells were coded on the questionnaire's envelope; a questionnaire with one scale needs nothing more."""
        if self.definition.uniform_scale or codes.size == 0:
            return codes
        items = [self.definition.items[p] for p in positions]
        lo = np.array([i.scale_min for i in items], np.int16)
        hi = np.array([i.scale_max for i in items], np.int16)
        dont_know = np.array([i.allows_dont_know for i in items])
        wide = codes.astype(np.int16)
        marker = (codes == MISSING) | (codes == INVALID) | (codes == DONT_KNOW)
        off = ~marker & ((wide < lo) | (wide > hi))
        off |= (codes == DONT_KNOW) & ~dont_know
        return np.where(off, np.int8(INVALID), codes).astype(np.int8)

    def codes(self, cells: list[str]) -> np.ndarray:
        """The code of every cell (int8; `INVALID` where a cell is not an answer)."""
        if not cells:
            return np.empty(0, np.int8)
        data = np.frombuffer(_SEPARATOR.join(cells).encode("utf-8", "surrogatepass"), np.uint8)
        ends = np.flatnonzero(data == ord(_SEPARATOR))
        if len(ends) != len(cells) - 1:  # a cell holds the separator itself: judge every cell on its own
            return np.fromiter(map(self.code, cells), np.int8, count=len(cells))
        starts = np.concatenate(([0], ends + 1))
        lengths = np.append(ends, len(data)) - starts
        codes = np.full(len(cells), MISSING, np.int8)
        one = lengths == 1
        codes[one] = self._one_byte[data[starts[one]]]
        for i in np.flatnonzero(lengths > 1).tolist():
            codes[i] = self.code(cells[i])
        return codes
