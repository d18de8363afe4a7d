import ipaddress
import re
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from app.config import get_settings

_DOMAIN = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _issuer(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError("must be an https URL without query or fragment")
    if parts.scheme == "http" and not (is_loopback(parts.hostname) and get_settings().oidc_allow_http_loopback):
        raise ValueError("must be https")
    if parts.username or parts.password:
        raise ValueError("must not hold credentials")
    return value.rstrip("/") if parts.path not in ("", "/") else f"{parts.scheme}://{parts.netloc}"


def _domain(value: str) -> str:
    value = value.strip().lower()
    if not _DOMAIN.match(value):
        raise ValueError("not a domain name such as gemeente.nl")
    return value


Issuer = Annotated[str, Field(min_length=8, max_length=500, examples=[
    "https://login.microsoftonline.com/<tenant-id>/v2.0"]), AfterValidator(_issuer)]
Domain = Annotated[str, Field(min_length=3, max_length=253), AfterValidator(_domain)]
Claim = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")]


class SingleSignOnSet(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "issuer": "https://login.microsoftonline.com/2b1f6a44-0c1e-4f4b-9f67-3c8f0d5f9a10/v2.0",
        "client_id": "6f1c3d2e-7a8b-4c9d-8e0f-1a2b3c4d5e6f", "client_secret": "…",
        "email_claim": "email", "allowed_domains": ["gemeente.nl"]}]})

    issuer: Issuer = Field(description="The provider's issuer URL; its `/.well-known/openid-configuration` is read "
                                       "at each sign-in")
    client_id: Annotated[str, Field(min_length=1, max_length=300, pattern=r"^[\x21-\x7e]+$")]
    client_secret: Annotated[str | None, Field(
        default=None, min_length=1, max_length=1000, pattern=r"^[\x20-\x7e]+$",
        description="Stored encrypted and never returned. Required the first time; left out, the stored one stays")]
    email_claim: Claim = Field(default="email", description="The ID token claim that holds the e-mail address "
                                                             "(`email`; for Entra ID often `preferred_username`)")
    allowed_domains: Annotated[list[Domain], Field(min_length=1, max_length=20)] = Field(
        description="Only addresses of these domains sign in; e-mail addresses of these domains are sent to "
                    "single sign-on instead of getting a link")
    enabled: StrictBool = Field(default=True, description="false: kept, but nobody signs in with it (links are mailed)")


class SingleSignOnRead(BaseModel):
    organisation_id: str
    issuer: str
    client_id: str
    email_claim: str
    allowed_domains: list[str]
    enabled: bool
    redirect_uri: str = Field(description="Register this redirect URI at the provider")
    updated_at: datetime
