"""Signing in with an organisation's OpenID Provider: the authorization code flow with PKCE (S256), `state` tied to
the browser that started it, `nonce` in the ID token, and the ID token's signature, issuer, audience and times
checked against the keys the provider publishes.

Authlib's OAuth2Session (on requests) builds the authorization request and exchanges the code (client
authentication, PKCE); joserfc (Authlib's JOSE library) verifies the ID token. The provider's discovery document
and keys are read at each sign-in: a rotated key is picked up at once, and a sign-in is rare enough that the two
requests cost nothing.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.config import get_settings
from app.db import utcnow
from app.oidc import sealing
from app.oidc.models import SignInFlow, SingleSignOn
from app.people.models import Person
from app.sessions.links import SignInFailure

FLOW_MINUTES = 10
SCOPES = "openid email profile"
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
LEEWAY_SECONDS = 60  # clock difference allowed between the provider and this server


class SignInError(Exception):
    def __init__(self, reason: SignInFailure, organisation_id: uuid.UUID | None = None, language: str = "en"):
        super().__init__(reason.value)
        self.reason = reason
        self.organisation_id = organisation_id
        self.language = language


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _get_json(url: str) -> Any:
    response = requests.get(url, timeout=get_settings().oidc_timeout, allow_redirects=False)
    response.raise_for_status()
    return response.json()


def discover(issuer: str) -> dict[str, Any]:
    """The provider's metadata; SignInError when it can't be read or names another issuer."""
    try:
        metadata = _get_json(issuer + "/.well-known/openid-configuration")
    except (requests.RequestException, ValueError) as exc:
        raise SignInError(SignInFailure.provider_unreachable) from exc
    needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if not isinstance(metadata, dict) or any(not isinstance(metadata.get(k), str) for k in needed):
        raise SignInError(SignInFailure.provider_error)
    if metadata["issuer"].rstrip("/") != issuer.rstrip("/"):
        raise SignInError(SignInFailure.provider_error)
    return metadata


def _client(sso: SingleSignOn, redirect_uri: str) -> OAuth2Session:
    secret = sealing.unseal(sso.organisation_id, sso.client_secret_sealed)
    if secret is None:
        raise SignInError(SignInFailure.provider_error, sso.organisation_id)
    return OAuth2Session(client_id=sso.client_id, client_secret=secret, scope=SCOPES, redirect_uri=redirect_uri,
                         code_challenge_method="S256")


@dataclass(frozen=True)
class Started:
    url: str  # the provider's authorization URL
    browser_secret: str  # for the flow cookie


def start(session: Session, sso: SingleSignOn, redirect_uri: str, language: str) -> Started:
    metadata = discover(sso.issuer)
    state, nonce, verifier, browser = (generate_token(43), generate_token(43), generate_token(64),
                                       secrets.token_urlsafe(32))
    with _client(sso, redirect_uri) as client:
        url, _ = client.create_authorization_url(metadata["authorization_endpoint"], state=state, nonce=nonce,
                                                 code_verifier=verifier)
    session.add(SignInFlow(organisation_id=sso.organisation_id, state_hash=_hash(state), browser_hash=_hash(browser),
                           nonce=nonce, code_verifier=verifier, language=language,
                           expires_at=utcnow() + timedelta(minutes=FLOW_MINUTES)))
    session.flush()
    return Started(url=url, browser_secret=browser)


def take_flow(session: Session, state: str, browser_secret: str | None) -> SignInFlow:
    """The flow the callback's `state` names, used up; it must be live and come back to the browser that began it."""
    flow = session.scalar(select(SignInFlow).where(SignInFlow.state_hash == _hash(state)))
    if flow is None or flow.used_at is not None or flow.expires_at <= utcnow():
        raise SignInError(SignInFailure.wrong_state, flow.organisation_id if flow else None,
                          flow.language if flow else "en")
    if browser_secret is None or not secrets.compare_digest(_hash(browser_secret), flow.browser_hash):
        raise SignInError(SignInFailure.other_browser, flow.organisation_id, flow.language)
    taken = session.execute(update(SignInFlow).where(SignInFlow.id == flow.id, SignInFlow.used_at.is_(None))
                            .values(used_at=utcnow()))
    if not taken.rowcount:  # type: ignore[attr-defined]
        raise SignInError(SignInFailure.wrong_state, flow.organisation_id, flow.language)
    return flow


def _verify_id_token(id_token: str, jwks: dict[str, Any], *, issuer: str, client_id: str,
                     nonce: str) -> dict[str, Any]:
    try:
        token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=ALGORITHMS)  # type: ignore[arg-type]
        jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS, iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": client_id}, sub={"essential": True},
            exp={"essential": True}, iat={"essential": True}).validate(token.claims)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise SignInError(SignInFailure.bad_token) from exc
    claims = dict(token.claims)
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise SignInError(SignInFailure.bad_token)
    if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(claims["nonce"], nonce):
        raise SignInError(SignInFailure.wrong_nonce)
    return claims


def finish(session: Session, sso: SingleSignOn, flow: SignInFlow, code: str, redirect_uri: str) -> Person:
    """Exchange the code, verify the ID token, and find the person it names. SignInError otherwise."""
    def fail(reason: SignInFailure, exc: Exception | None = None) -> SignInError:
        error = SignInError(reason, sso.organisation_id, flow.language)
        error.__cause__ = exc
        return error

    try:
        metadata = discover(sso.issuer)
        with _client(sso, redirect_uri) as client:
            tokens = client.fetch_token(metadata["token_endpoint"], code=code, code_verifier=flow.code_verifier,
                                        timeout=get_settings().oidc_timeout)
        jwks = _get_json(metadata["jwks_uri"])
    except SignInError as exc:
        raise fail(exc.reason, exc) from exc
    except OAuthError as exc:  # the provider refused the code (replayed, expired, another client's)
        raise fail(SignInFailure.provider_error, exc) from exc
    except (requests.RequestException, ValueError) as exc:
        raise fail(SignInFailure.provider_unreachable, exc) from exc
    id_token = tokens.get("id_token") if isinstance(tokens, dict) else None
    if not isinstance(id_token, str):
        raise fail(SignInFailure.bad_token)
    try:
        claims = _verify_id_token(id_token, jwks, issuer=sso.issuer, client_id=sso.client_id, nonce=flow.nonce)
    except SignInError as exc:
        raise fail(exc.reason, exc) from exc
    email = claims.get(sso.email_claim)
    if email is None and isinstance(metadata.get("userinfo_endpoint"), str) and tokens.get("access_token"):
        # Some providers (oidc-provider, Keycloak with some settings) give the profile at the userinfo endpoint
        # only. Its answer counts only for the same subject as the verified ID token.
        try:
            with _client(sso, redirect_uri) as client:
                client.token = tokens
                info = client.get(metadata["userinfo_endpoint"], timeout=get_settings().oidc_timeout)
            info.raise_for_status()
            profile = info.json()
        except (requests.RequestException, ValueError) as exc:
            raise fail(SignInFailure.provider_unreachable, exc) from exc
        if isinstance(profile, dict) and profile.get("sub") == claims["sub"]:
            email = profile.get(sso.email_claim)
            claims.setdefault("email_verified", profile.get("email_verified"))
    if not isinstance(email, str) or "@" not in email or claims.get("email_verified") is False:
        raise fail(SignInFailure.no_email)
    email = email.strip().lower()
    if email.rpartition("@")[2] not in sso.allowed_domains:
        raise fail(SignInFailure.domain_not_allowed)
    person = session.scalar(select(Person).where(Person.organisation_id == sso.organisation_id,
                                                 Person.email == email))
    if person is None:
        raise fail(SignInFailure.unknown_person)
    if person.deactivated_at is not None:
        raise fail(SignInFailure.deactivated)
    return person
