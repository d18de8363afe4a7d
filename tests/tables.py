"""Reading the reports' tables back (CSV in both dialects, XLSX) in tests, and the figures as the CSV writes them."""

import bisect
import csv
import io
import math
from decimal import Decimal
from typing import Any

import openpyxl

from app.exports.tables import kind, text_of


def written(value: float | None, column: str) -> str:
    """A JSON figure as the CSV writes it in `column` (rfc4180)."""
    return "" if value is None else text_of(value, kind(column))


def csv_rows(text: str, dialect: str = "rfc4180") -> list[dict[str, str]]:
    if dialect == "excel-nl":
        assert text.startswith("\ufeff")
        return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_sheets(content: bytes) -> dict[str, list[dict[str, Any]]]:
    """Every sheet as a list of rows (header -> value; an empty cell is None)."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    out: dict[str, list[dict[str, Any]]] = {}
    for ws in book.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        if ws.title != "about":
            out[ws.title] = [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]
    return out


def numbers(body: Any) -> list[float]:
    """Every number of a JSON body (booleans are no numbers)."""
    if isinstance(body, dict):
        return [x for v in body.values() for x in numbers(v)]
    if isinstance(body, list):
        return [x for v in body for x in numbers(v)]
    return [float(body)] if isinstance(body, int | float) and not isinstance(body, bool) else []


def unknown_numbers(cells: list[Any], body: Any, *, decimal_comma: bool = False) -> list[Any]:
    """The numeric cells that are no number of the JSON `body` as written: a text cell matches a JSON number within
    half a unit of its last digit (the CSV rounds), a number cell (XLSX) to 15 significant digits (Excel's precision;
    XlsxWriter writes 16)."""
    known = sorted(numbers(body))
    out = []
    for cell in cells:
        if cell is None or isinstance(cell, bool):
            continue
        if isinstance(cell, int | float):
            width = 2e-15 * abs(cell) + 1e-300
            if not any(math.isclose(cell, k, rel_tol=1e-15, abs_tol=1e-300) for k in _near(known, cell, width)):
                out.append(cell)
            continue
        text = cell.replace(",", ".") if decimal_comma else cell
        try:
            d = Decimal(text)
        except ArithmeticError:
            continue
        if not d.is_finite():
            continue
        tolerance = Decimal(5) * Decimal(10) ** (d.as_tuple().exponent - 1) + Decimal("1e-12")  # type: ignore[operator]
        near = _near(known, float(d), 2 * float(tolerance) + 1e-9 * abs(float(d)))
        if not any(abs(Decimal(k) - d) <= tolerance for k in near):
            out.append(cell)
    return out


def _near(known: list[float], x: float, width: float) -> list[float]:
    """The sorted `known` within `width` of `x`: a superset of those the exact comparison may accept (the window is
    wider than the tolerance), so only they need comparing."""
    return known[bisect.bisect_left(known, x - width):bisect.bisect_right(known, x + width)]
