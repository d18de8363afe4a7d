"""Setting and clearing the session cookie: HttpOnly, SameSite=Lax, and behind HTTPS Secure with the __Host-
prefix (host-only, path /), so no script, other site or sibling host can read or plant it."""

from starlette.requests import Request
from starlette.responses import Response

from app.config import get_settings
from app.sessions.service import COOKIE, SECURE_COOKIE


def secure(request: Request) -> bool:
    settings = get_settings()
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    return settings.public_base_url.startswith("https://") or request.url.scheme == "https"


def set_session_cookie(request: Request, response: Response, secret: str) -> None:
    is_secure = secure(request)
    response.set_cookie(SECURE_COOKIE if is_secure else COOKIE, secret, httponly=True, samesite="lax",
                        secure=is_secure, path="/", max_age=get_settings().session_max_hours * 3600)


def clear_session_cookie(request: Request, response: Response) -> None:
    for name in (COOKIE, SECURE_COOKIE):
        if name in request.cookies:
            response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=name == SECURE_COOKIE)
