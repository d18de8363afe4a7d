"""The rows of an uploaded XLSX workbook's first sheet, as text, read with the standard library (a workbook is a zip
of XML parts), so the imports take what HR systems export without another dependency.

What is read: the first sheet of the workbook (in the order Excel shows the tabs); shared strings, inline strings,
numbers (a whole number as `12`, not `12.0`), booleans and formula results as their cached value. Empty rows are
skipped; each row keeps the number Excel shows for it, so an error names the row the person sees.

What is refused, as a 422 that says how to save the file instead: a file that is not a zip or lacks the parts of a
workbook, a part that unpacks to more than `MAX_PART_BYTES` (a zip bomb), and XML with a document type declaration
(entity expansion). Encrypted workbooks are zips of another kind and are refused the same way.
"""

import io
import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from app.errors import Unprocessable

ZIP_MAGIC = b"PK\x03\x04"
MAX_PART_BYTES = 50_000_000
HOW_TO_SAVE = ("save it again as an Excel workbook (.xlsx) or as CSV UTF-8 (in Excel, File > Save As > file type "
               "\"CSV UTF-8 (comma delimited) (*.csv)\")")
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def is_xlsx(raw: bytes) -> bool:
    return raw.startswith(ZIP_MAGIC)


def _refuse(why: str) -> Unprocessable:
    return Unprocessable(f"The file is not a workbook that can be read ({why}): {HOW_TO_SAVE}.")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _part(book: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = book.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise _refuse(f"{name} unpacks to more than {MAX_PART_BYTES} bytes")
    data = book.read(info)
    if len(data) > MAX_PART_BYTES:
        raise _refuse(f"{name} unpacks to more than {MAX_PART_BYTES} bytes")
    if b"<!DOCTYPE" in data[:4096].upper():
        raise _refuse("it declares a document type")
    return data


def _xml(data: bytes) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise _refuse(f"broken XML: {exc}") from None


def _first_sheet(book: zipfile.ZipFile) -> str:
    workbook = _part(book, "xl/workbook.xml")
    if workbook is None:
        raise _refuse("no xl/workbook.xml")
    sheet = next((e for e in _xml(workbook).iter() if _local(e.tag) == "sheet"), None)
    if sheet is None:
        raise _refuse("the workbook has no sheet")
    rel_id = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
    rels = _part(book, "xl/_rels/workbook.xml.rels")
    for rel in _xml(rels).iter() if rels is not None else ():
        if _local(rel.tag) == "Relationship" and rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return "xl/worksheets/sheet1.xml"


def _text(element: ElementTree.Element) -> str:
    """The text of a shared or inline string: its `t` elements (rich text has several), not the phonetic runs."""
    out: list[str] = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            out.append(child.text or "")
        elif name == "r":
            out.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(out)


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    data = _part(book, "xl/sharedStrings.xml")
    return [] if data is None else [_text(si) for si in _xml(data) if _local(si.tag) == "si"]


def _column(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _value(cell: ElementTree.Element, shared: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = next((c for c in cell if _local(c.tag) == "is"), None)
        return "" if inline is None else _text(inline)
    v = next((c.text or "" for c in cell if _local(c.tag) == "v"), "")
    if kind == "s":
        try:
            return shared[int(v)]
        except (ValueError, IndexError):
            raise _refuse("a cell points at a shared string that is not there") from None
    if kind == "b":
        return "TRUE" if v == "1" else "FALSE"
    if kind == "n" and v:
        try:
            number = float(v)
        except ValueError:
            return v
        return str(int(number)) if number.is_integer() and abs(number) < 1e15 else v
    return v


def rows(raw: bytes) -> Iterator[tuple[int, list[str]]]:
    """(row number as Excel shows it, the cells' text from column A on), for every row that has a non-empty cell."""
    try:
        book = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise _refuse("not a zip file") from None
    with book:
        shared = _shared_strings(book)
        sheet = _part(book, _first_sheet(book))
        if sheet is None:
            raise _refuse("its first sheet is missing")
        next_row = 1
        for row in _xml(sheet).iter():
            if _local(row.tag) != "row":
                continue
            number = int(row.get("r") or next_row)
            next_row = number + 1
            cells: dict[int, str] = {}
            position = 0
            for cell in row:
                if _local(cell.tag) != "c":
                    continue
                ref = _REF.match(cell.get("r", ""))
                position = _column(ref.group(1)) if ref else position
                cells[position] = _value(cell, shared)
                position += 1
            if any(v.strip() for v in cells.values()):
                yield number, [cells.get(i, "") for i in range(max(cells) + 1)]
