"""Masking e-mail addresses and phone numbers in a comment before it is stored (nothing unmasked is ever written).

E-mail: anything shaped `local@domain.tld`, also with spaces around the `@` or written `(at)` / `[at]`. Phone: a run
of at least 9 digits, allowing a leading `+` or `00`, spaces, dots, dashes, slashes and brackets between them (Dutch
`06-12345678`, `020 123 4567`, `+31 (0)6 1234 5678`, international numbers). Shorter numbers (years, amounts,
room numbers) stay.
"""

import re

EMAIL_MASK = "[e-mail]"
PHONE_MASK = "[phone]"

_EMAIL = re.compile(
    r"[\w.+%-]+\s*(?:@|\(at\)|\[at\]|\{at\})\s*[\w-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[\w-]+)*\s*(?:\.|\(dot\)|\[dot\])"
    r"\s*[a-z]{2,}\b", re.IGNORECASE)
_PHONE_CANDIDATE = re.compile(r"(?<![\w])(?:\+|00)?\s*(?:\(?\d[\d\s./()\-]{7,}\d)(?![\w])")
MIN_PHONE_DIGITS = 9


def _phone(match: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in match.group(0))
    return PHONE_MASK if digits >= MIN_PHONE_DIGITS else match.group(0)


def mask(text: str) -> str:
    """The text with every e-mail address and phone number replaced by a marker."""
    return _PHONE_CANDIDATE.sub(_phone, _EMAIL.sub(EMAIL_MASK, text))
