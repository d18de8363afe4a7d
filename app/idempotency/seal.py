"""Sealing a kept answer: AES-256-GCM under a key only the caller can bring back.

The key is HMAC-SHA256(API key secret, Idempotency-Key). The database stores the SHA-256 of the API key secret
(which doesn't give the HMAC key) and of the Idempotency-Key: with the database alone the answer stays sealed, so
the tokens in it stay as irreproducible as the tokens table promises. Whoever holds both the API key and the
Idempotency-Key gets back what they were given the first time, and only until the record expires.
"""

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_CONTEXT = b"culturegap idempotency replay v1\x00"
_NONCE_BYTES = 12


class SealBroken(Exception):
    """The sealed answer doesn't open with this key (tampered with, or a different secret)."""


def sealing_key(api_key_secret: str, idempotency_key: str) -> bytes:
    return hmac.new(api_key_secret.encode(), _CONTEXT + idempotency_key.encode(), hashlib.sha256).digest()


def seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def unseal(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], associated)
    except (InvalidTag, ValueError) as e:
        raise SealBroken from e
