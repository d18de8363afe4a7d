"""HTML pieces of the board report: an element from escaped parts (every text escaped, no markup from data)."""

from html import escape


def tag(name: str, attrs: dict[str, str] | None = None, *children: str | None) -> str:
    attr = "".join(f' {k}="{escape(v)}"' for k, v in (attrs or {}).items())
    return f"<{name}{attr}>{''.join(c for c in children if c)}</{name}>"


def text(value: object) -> str:
    return escape(str(value))
