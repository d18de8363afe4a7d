"""The organisations' client secrets, encrypted at rest: AES-256-GCM under a key derived from SECRET_KEY, with the
organisation's id as associated data (a sealed secret copied to another organisation's row does not open)."""

import hashlib
import hmac
import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.config import get_settings
from app.errors import Conflict

_CONTEXT = b"culturegap single sign-on client secret v1"
_NONCE_BYTES = 12


class NoSecretKey(Conflict):
    code, title = "no-secret-key", "The server has no SECRET_KEY"


def _key() -> bytes:
    secret = get_settings().secret_key
    if len(secret) < 32:
        raise NoSecretKey("Single sign-on needs the server's SECRET_KEY (32 characters or more) to encrypt the "
                          "client secret; ask the service's operator to set it.")
    return hmac.new(secret.encode(), _CONTEXT, hashlib.sha256).digest()


def seal(organisation_id: uuid.UUID, client_secret: str) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(_key()).encrypt(nonce, client_secret.encode(), organisation_id.bytes)


def unseal(organisation_id: uuid.UUID, sealed: bytes) -> str | None:
    """The secret, or None when it doesn't open (SECRET_KEY changed, or the row was tampered with)."""
    try:
        return AESGCM(_key()).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], organisation_id.bytes).decode()
    except (InvalidTag, ValueError):
        return None
