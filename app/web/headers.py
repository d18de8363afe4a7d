"""Security headers for HTML pages that app/web does not serve itself: FastAPI's API docs (`/docs`, `/redoc`).

Those pages load Swagger UI and ReDoc from a CDN and start them with an inline script, so they can't have the web
form's strict script policy without self-hosting both; they do get everything that doesn't touch scripts: no
framing (clickjacking of a page where an API key is pasted), no referrer, no MIME sniffing, no plugins, no `<base>`.
Pages that set their own Content-Security-Policy (the web form, the dashboard) are left as they are.
"""

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
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html") and \
                        "content-security-policy" not in headers:
                    for name, value in HTML_PAGE_HEADERS.items():
                        headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_secured)
