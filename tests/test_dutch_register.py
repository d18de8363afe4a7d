"""Every page (console, sign-in, dashboard, the respondent's form), the mails and the printed board report address
their Dutch reader as "u" throughout: a "je" or "jouw" slipping in would mix the registers, as the respondent's form
once did ("je" after an invitation mail that said "u")."""

import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
FILES = sorted([*(APP / "web" / "static").glob("*.js"), *(APP / "web" / "static").glob("*.html"),
                APP / "mail" / "messages.py", APP / "reports" / "board" / "texts.py"])
INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jezelf|jullie)\b", re.IGNORECASE)
FORMAL = re.compile(r"\b(u|uw)\b")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_dutch_says_u_not_je(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert INFORMAL.findall(text) == [], path


def test_the_files_checked_do_address_the_reader() -> None:
    assert len(FILES) >= 10
    addressed = [p.name for p in FILES if FORMAL.search(p.read_text(encoding="utf-8"))]
    assert {"messages.py", "console-i18n.js", "console-problems.js", "signin-i18n.js", "respond-i18n.js",
            "dashboard-i18n.js"} <= set(addressed), addressed
