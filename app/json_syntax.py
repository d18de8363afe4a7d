"""Where a request body stops being JSON, said so that a person can fix it: line, column, what was expected there and
what was found instead.

Both ways a body is read end here: FastAPI's (Python's `json`, which reports a position) and the respondent's
routes (pydantic-core, whose messages differ). The body is parsed once more with Python's `json`, only after it
failed, so every route answers in the same words.
"""

import json
from dataclasses import dataclass

_BOM = "\ufeff"


@dataclass(frozen=True)
class JsonSyntax:
    line: int  # 1-based
    column: int  # 1-based, in characters
    offset: int  # 0-based, in characters of the decoded body
    expected: str
    found: str
    hint: str | None = None

    def sentence(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return (f"The request body is not valid JSON at line {self.line}, column {self.column}: expected "
                f"{self.expected}, found {self.found}{hint}.")


def _found(text: str, at: int) -> str:
    if at >= len(text):
        return "the end of the body"
    char = text[at]
    if char.isprintable() and not char.isspace():
        return f"'{char}'"
    return f"U+{ord(char):04X}"


def _containers(text: str, end: int) -> list[str]:
    """The open `{` and `[` before `end`, outermost first (strings skipped)."""
    stack: list[str] = []
    in_string = escaped = False
    for char in text[:end]:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append(char)
        elif char in "}]" and stack:
            stack.pop()
    return stack


def _explain(msg: str, text: str, at: int) -> tuple[str, str | None]:
    found = text[at] if at < len(text) else ""
    closer = "'}'" if (_containers(text, at) or ["{"])[-1] == "{" else "']'"
    if msg.startswith("Expecting value"):
        if found == "]":
            return "a value", "a comma may not come before ']'"
        if found == "'":
            return "a value", "JSON strings are in double quotes"
        if at >= len(text) and not text.strip():
            return "a JSON value such as an object {...}", None
        return "a value: an object, array, string in double quotes, number, true, false or null", None
    if msg.startswith("Expecting property name"):
        if found == "}":
            return "a property name in double quotes", "a comma may not come before '}'"
        if found == "'":
            return "a property name in double quotes", "JSON strings are in double quotes, not single"
        return "a property name in double quotes or '}'", None
    if msg.startswith("Expecting ':'"):
        return "':' after the property name", None
    if msg.startswith("Expecting ','"):
        return f"',' or {closer}", None
    if msg.startswith("Extra data"):
        return "the end of the body after the JSON value", "a body holds one JSON value"
    if msg.startswith("Unterminated string"):
        return "a closing '\"' for the string that starts here", None
    if msg.startswith("Invalid control character"):
        return "an escaped character (\\n, \\t, \\u0001 ...)", "control characters inside a string must be escaped"
    if msg.startswith("Invalid \\uXXXX"):
        return "four hexadecimal digits after \\u", None
    if msg.startswith("Invalid \\escape"):
        return "one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX", None
    return msg[:1].lower() + msg[1:], None


def locate(body: bytes) -> JsonSyntax | None:
    """Where `body` breaks as JSON, or None when Python's `json` reads it (then the caller's own message stands).
    A body that is not text in the encoding JSON's rules detect (UTF-8, or UTF-16/32 by its first bytes) breaks at
    its first undecodable byte."""
    try:
        text = body.decode(json.detect_encoding(body))
    except UnicodeDecodeError as error:
        before = body[:error.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        return JsonSyntax(line, column, len(before), "UTF-8 text", f"the byte 0x{body[error.start]:02X}",
                          "send the body as UTF-8")
    start = 1 if text.startswith(_BOM) else 0  # as `json.loads` does for bytes with a BOM
    try:
        json.loads(text[start:])
    except json.JSONDecodeError as error:
        expected, hint = _explain(error.msg, error.doc, error.pos)
        return JsonSyntax(error.lineno, error.colno, error.pos + start, expected, _found(error.doc, error.pos), hint)
    except RecursionError:
        return JsonSyntax(1, 1, 0, "a JSON value nested less deeply", "deeper nesting than is read", None)
    return None
