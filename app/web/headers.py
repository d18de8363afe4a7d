"""Security headers for any HTML answer that sets no Content-Security-Policy of its own (app/web's pages and the
sign-in error pages set theirs): no framing, no referrer, no MIME sniffing, no plugins, no `<base>`.
"""

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HTML_PAGE_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


class HtmlSecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start" and _is_html(message.get("headers", ())):
                headers = MutableHeaders(scope=message)
                if "content-security-policy" not in headers:
                    for name, value in HTML_PAGE_HEADERS.items():
                        headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_secured)


def _is_html(raw: Iterable[tuple[bytes, bytes]]) -> bool:
    """From the raw headers: every response passes here, and most are JSON."""
    return any(name.lower() == b"content-type" and value.lower().startswith(b"text/html") for name, value in raw)
