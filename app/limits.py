"""Request body size limits: a declared Content-Length over the limit is refused before the body is read; a body
without one (chunked) is counted while it streams in. A declared length can't lie: the server's HTTP/1.1 parser
(uvicorn's httptools or h11) delivers exactly that many bytes as the body and reads whatever follows as the next
request, so a request that declares its length passes straight through, without a wrapper on its every message.
Nor can an HTTP/1.x request that declares neither a length nor `Transfer-Encoding` carry a body (RFC 9112, 6.3): a
GET passes straight through as well."""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PROBLEM_JSON


class BodySizeLimit:
    def __init__(self, app: ASGIApp, *, max_json_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_json_bytes = max_json_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type, declared, chunked = b"", None, False
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value
            elif name == b"content-length":
                declared = value
            elif name == b"transfer-encoding":
                chunked = True
        if declared is None and not chunked and scope.get("http_version", "1.1") in ("1.0", "1.1"):
            await self.app(scope, receive, send)  # no body
            return
        upload = content_type.lower().startswith((b"multipart/", b"text/csv"))
        limit = self.max_upload_bytes if upload else self.max_json_bytes
        if declared is not None:
            if not declared.isdigit() or int(declared) > limit:
                await _reject(scope, send, limit)
            else:
                await self.app(scope, receive, send)
            return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not response_started:
                await _reject(scope, send, limit)


class _TooLarge(HTTPException):
    """An HTTPException, so that FastAPI's body parsing passes it on (it turns any other error into a 400) and the
    error handlers answer 413; caught here too where it escapes them."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The body is larger than {limit} bytes.")


async def _reject(scope: Scope, send: Send, limit: int) -> None:
    body = (
        '{"type":"urn:culturegap:problem:payload-too-large","title":"Request body too large","status":413,'
        f'"detail":"The body is larger than {limit} bytes.","instance":"{scope.get("path", "")}"}}'
    ).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
