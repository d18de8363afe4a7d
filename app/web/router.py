"""The respondent's web form and the leader's dashboard: plain HTML, CSS and JavaScript served from the package,
under strict security headers.

The invitation token travels in the URL fragment (`/respond#<token>`). Browsers never send a fragment to a server,
so the token cannot reach access logs or Referer headers; the page's script reads it and sends it in the
`X-Survey-Token` header of its calls to `/api/v1/respond`.

Static files are read once from the package (`app/web/static`, shipped as package data). The page links them with
a content hash (`/static/respond.js?v=<hash>`), and the relative imports between JavaScript modules get the same
treatment when the files are read, so every link the browser follows is versioned and may be cached for a year.
Anything requested without the current version is revalidated with its ETag.

The dashboard (`/dashboard`) opens for a person signed in at `/signin` (their session is an HttpOnly cookie) and
sends anyone else there; at `/dashboard?key` it asks for an API key on the page instead, keeps it in the tab's
sessionStorage and sends it only in the `Authorization` header of its calls to the report API; the key is never part
of a URL (the selection is: `?survey=<id>&unit=<id>`). Whether a tab holds a key only its script knows, so the
page, not this route, decides where a signed-out visit goes.
"""

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.errors import NotFound

router = APIRouter(include_in_schema=False)

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
CACHE_VERSIONED = "public, max-age=31536000, immutable"
CACHE_REVALIDATE = "no-cache"

_MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
}
_ASSET_LINK = re.compile(r"\{\{asset:([A-Za-z0-9._-]+)\}\}")
_INCLUDE = re.compile(r"\{\{include:([A-Za-z0-9._-]+\.html)\}\}")
_MODULE_IMPORT = re.compile(r"""(\bfrom\s*|\bimport\s*\(\s*)(["'])\./([A-Za-z0-9._-]+\.js)\2""")


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str
    version: str  # the first 16 hex digits of the body's SHA-256

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


def _asset(name: str, body: bytes) -> Asset:
    suffix = name[name.rfind("."):]
    media_type = _MEDIA_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Asset(body=body, media_type=media_type, version=hashlib.sha256(body).hexdigest()[:16])


# The API docs' pages load Swagger UI and ReDoc from the copies pinned in fastapi-offline (no CDN). Both set inline
# styles and ReDoc starts a worker from a blob, so those pages allow inline styles and blob workers; scripts, as
# everywhere, only from the service itself.
DOCS_HEADERS = {**SECURITY_HEADERS, "Content-Security-Policy": (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")}
_DOCS_ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js")


@lru_cache
def _static_files() -> dict[str, Asset]:
    """Every file of `app/web/static` except the page templates, and the docs' assets, by name; module imports
    versioned."""
    folder = resources.files("app.web") / "static"
    raw = {entry.name: entry.read_bytes() for entry in folder.iterdir()
           if entry.is_file() and not entry.name.endswith(".html")}
    docs = resources.files("fastapi_offline") / "static"
    raw.update({name: (docs / name).read_bytes() for name in _DOCS_ASSETS})
    assets: dict[str, Asset] = {}

    def build(name: str, importers: tuple[str, ...]) -> Asset:
        if name not in assets:
            body = raw[name]
            if name.endswith(".js"):
                def versioned(match: re.Match[str]) -> str:
                    prefix, quote, target = match.groups()
                    if target not in raw or target in importers:  # unknown, or an import cycle: left as it is
                        return match.group(0)
                    return f"{prefix}{quote}./{target}?v={build(target, (*importers, name)).version}{quote}"

                body = _MODULE_IMPORT.sub(versioned, body.decode()).encode()
            assets[name] = _asset(name, body)
        return assets[name]

    for name in raw:
        build(name, ())
    return assets


def _template(name: str) -> str:
    return (resources.files("app.web") / "static" / name).read_text(encoding="utf-8")


@lru_cache
def _page(name: str) -> Asset:
    """An HTML page of `app/web/static`: each `{{include:<file>.html}}` replaced by that file (the head the pages
    share), then each `{{asset:<file>}}` by a versioned link."""
    template = _INCLUDE.sub(lambda match: _template(match.group(1)).rstrip("\n"), _template(name))
    files = _static_files()

    def link(match: re.Match[str]) -> str:
        return f"/static/{match.group(1)}?v={files[match.group(1)].version}"

    return _asset(name, _ASSET_LINK.sub(link, template).encode())


def _not_modified(request: Request, asset: Asset) -> bool:
    tags = {tag.strip().removeprefix("W/") for tag in request.headers.get("if-none-match", "").split(",")}
    return asset.etag in tags or "*" in tags


def _serve(request: Request, asset: Asset, cache_control: str,
           security: dict[str, str] = SECURITY_HEADERS) -> Response:
    headers = {**security, "Cache-Control": cache_control, "ETag": asset.etag}
    if _not_modified(request, asset):
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


@router.api_route("/respond", methods=["GET", "HEAD"], name="respond_page")
def respond_page(request: Request) -> Response:
    """The respondent's form. The token is read by the page from the URL fragment, never sent to this route."""
    return _serve(request, _page("respond.html"), CACHE_REVALIDATE)


@router.api_route("/dashboard", methods=["GET", "HEAD"], name="dashboard_page")
def dashboard_page(request: Request) -> Response:
    """The leader's dashboard; a signed-out visit is sent on to `/signin` by the page. An API key is entered on the
    page (`?key`), never sent to this route."""
    return _serve(request, _page("dashboard.html"), CACHE_REVALIDATE)


@router.api_route("/signin", methods=["GET", "HEAD"], name="signin_page")
def signin_page(request: Request) -> Response:
    """Signing in: an e-mail address leads to single sign-on or a link by e-mail; `#link=<token>` finishes a link
    (the token is in the fragment, so it never reaches this route or a log)."""
    return _serve(request, _page("signin.html"), CACHE_REVALIDATE)


@router.api_route("/console", methods=["GET", "HEAD"], name="console_page")
def console_page(request: Request) -> Response:
    """The survey console for organisation admins signed in at `/signin`: structure, waves, invitations by mail,
    response rates, reminders, closing."""
    return _serve(request, _page("console.html"), CACHE_REVALIDATE)


@router.api_route("/docs", methods=["GET", "HEAD"], name="swagger_ui")
def swagger_ui(request: Request) -> Response:
    """The interactive API documentation (Swagger UI), served without any outside request."""
    return _serve(request, _page("docs.html"), CACHE_REVALIDATE, DOCS_HEADERS)


@router.api_route("/redoc", methods=["GET", "HEAD"], name="redoc")
def redoc(request: Request) -> Response:
    """The API reference (ReDoc), served without any outside request."""
    return _serve(request, _page("redoc.html"), CACHE_REVALIDATE, DOCS_HEADERS)


@router.api_route("/static/{name}", methods=["GET", "HEAD"], name="static_file")
def static_file(request: Request, name: Annotated[str, Path(max_length=100)],
                v: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    """A file of the web form. Only names that exist in the package are served: no paths, no traversal."""
    asset = _static_files().get(name)
    if asset is None:
        raise NotFound("No such file.")
    return _serve(request, asset, CACHE_VERSIONED if v == asset.version else CACHE_REVALIDATE)
