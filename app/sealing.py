"""Small secrets at rest: AES-256-GCM under a key derived from SECRET_KEY for each purpose, with the id of the row
that holds a sealed value as associated data (copied to another row, it does not open)."""

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.config import get_settings
from app.errors import Conflict

_NONCE_BYTES = 12


class NoSecretKey(Conflict):
    code, title = "no-secret-key", "The server has no SECRET_KEY"


def _key(purpose: bytes, needed_for: str) -> bytes:
    secret = get_settings().secret_key
    if len(secret) < 32:
        raise NoSecretKey(f"{needed_for} needs the server's SECRET_KEY (32 characters or more) to encrypt what it "
                          "stores; ask the service's operator to set it.")
    return hmac.new(secret.encode(), purpose, hashlib.sha256).digest()


def seal(purpose: bytes, bound_to: bytes, text: str, *, needed_for: str) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(_key(purpose, needed_for)).encrypt(nonce, text.encode(), bound_to)


def unseal(purpose: bytes, bound_to: bytes, sealed: bytes, *, needed_for: str) -> str | None:
    """The text, or None when it doesn't open (SECRET_KEY changed, or the row was tampered with)."""
    try:
        return AESGCM(_key(purpose, needed_for)).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:],
                                                         bound_to).decode()
    except (InvalidTag, ValueError):
        return None
