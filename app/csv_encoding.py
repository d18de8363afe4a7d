"""The text encoding of an uploaded CSV file, for every import: what Excel and other tools save.

- a UTF-8 byte order mark ("CSV UTF-8" in Excel) or none and valid UTF-8: UTF-8;
- a UTF-16 byte order mark (Excel's "Unicode text"), or NUL bytes every other byte (UTF-16 without one): UTF-16;
- otherwise Windows-1252, Excel's "CSV (comma delimited)" on a Dutch or English Windows -- a file that is not valid
  UTF-8 is almost never meant as anything else in western Europe.

A file that is none of these is refused with how to save it as "CSV UTF-8".
"""

import codecs
import io
from typing import IO

from app.errors import Unprocessable

WINDOWS_1252 = "cp1252"
HOW_TO_SAVE = ("save it as UTF-8: in Excel, File > Save As (Save a Copy) > file type \"CSV UTF-8 (comma delimited) "
               "(*.csv)\"; in LibreOffice, Save As > \"Text CSV\" with character set \"Unicode (UTF-8)\"")
_CHUNK = 1 << 20
UPLOAD = "CSV, comma, semicolon or tab separated; UTF-8 (with or without BOM), UTF-16 or Windows-1252"
UPLOAD_OR_XLSX = f"{UPLOAD}; or an XLSX workbook (its first sheet)"


def delimiter_of(header_line: str) -> str:
    """Comma, semicolon (Excel with a Dutch list separator) or tab (Excel's "Unicode text"): the one the header
    line has most of."""
    return max((",", ";", "\t"), key=header_line.count)


def not_text() -> Unprocessable:
    return Unprocessable(f"The file is not text in UTF-8, UTF-16 or Windows-1252; {HOW_TO_SAVE}.")


def _by_marks(head: bytes) -> str | None:
    """The encoding that the first bytes show, if they show one."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # reads the mark and drops it
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):  # ASCII text in UTF-16 without a mark
        return "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
    return None


def _is_utf8(raw: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := raw.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect(raw: IO[bytes]) -> str:
    """The encoding of a seekable file of bytes, read from its current position (and put back there)."""
    start = raw.tell()
    head = raw.read(4096)
    raw.seek(start)
    if head.startswith(b"PK\x03\x04"):
        raise Unprocessable(f"The file is an Excel workbook (or another zip file), not CSV; {HOW_TO_SAVE}.")
    marked = _by_marks(head)
    if marked is None:
        marked = "utf-8" if _is_utf8(raw) else WINDOWS_1252
        raw.seek(start)
    return marked


def text_stream(raw: IO[bytes]) -> io.TextIOWrapper:
    """The file as text (newlines untouched, for the csv module); a file that can't be read back from the start is
    taken as UTF-8."""
    encoding = detect(raw) if raw.seekable() else "utf-8-sig"
    return io.TextIOWrapper(raw, encoding=encoding, newline="")


def decode(raw: bytes) -> str:
    """A whole file's text; raises `Unprocessable` (with how to save as UTF-8) when it is none of the encodings."""
    try:
        return raw.decode(detect(io.BytesIO(raw)))
    except UnicodeDecodeError:
        raise not_text() from None
