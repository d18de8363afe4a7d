"""Small secrets at rest: AES-256-GCM under a key derived from SECRET_KEY for each purpose, with the id of the row
that holds a sealed value as associated data (copied to another row, it does not open).

Also keyed hashes (`keyed_hash`) and keys that need a second secret besides SECRET_KEY (`seal_with`): a respondent's
draft is sealed under SECRET_KEY *and* the invitation's token, which the database never holds."""

import hashlib
import hmac
import os
from functools import lru_cache

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


def require_key(needed_for: str) -> None:
    """Raise `NoSecretKey` now, before anything is written, when `seal` would raise it."""
    _key(b"", needed_for)


def _purpose_key(purpose: bytes) -> bytes:
    """The key for `purpose` from SECRET_KEY, or from the empty key when there is none (then it keys nothing: only
    for uses that also take a second secret, or that say what the missing SECRET_KEY costs)."""
    return _derived(get_settings().secret_key, purpose)


@lru_cache(maxsize=64)
def _derived(secret: str, purpose: bytes) -> bytes:
    """Remembered: a keyed hash of a respondent's token, a few on every request, derived the same key each time."""
    return hmac.digest(secret.encode(), purpose, "sha256")


def fingerprint() -> str:
    """Which SECRET_KEY this process holds, as 16 hex digits of an HMAC of a constant under it (never the key):
    stored beside what was written under the key, so that a changed key is noticed instead of misread. The empty
    key (none set) has a fingerprint too."""
    return _fingerprint(get_settings().secret_key)


@lru_cache(maxsize=4)
def _fingerprint(secret: str) -> str:
    return hmac.new(secret.encode(), b"culturegap:key-fingerprint", hashlib.sha256).hexdigest()[:16]


def keyed_hash(purpose: bytes, value: str) -> str:
    """HMAC-SHA256 of `value` under the key for `purpose` (hex): without SECRET_KEY nobody can tell which `value`
    a stored hash is of, even holding every candidate value. With no SECRET_KEY set it is a plain hash."""
    return hmac.digest(_purpose_key(purpose), value.encode(), "sha256").hex()


def key_with(purpose: bytes, second_secret: str) -> bytes:
    """An AES key for `purpose` from SECRET_KEY (if set) and a second secret that the database doesn't hold."""
    return hmac.digest(_purpose_key(purpose), second_secret.encode(), "sha256")


def seal_with(key: bytes, bound_to: bytes, text: str) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, text.encode(), bound_to)


def unseal_with(key: bytes, bound_to: bytes, sealed: bytes) -> str | None:
    """The text, or None when it doesn't open (a key changed, or the row was tampered with)."""
    try:
        return AESGCM(key).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], bound_to).decode()
    except (InvalidTag, ValueError):
        return None


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
