"""API keys: shown once, stored only as a salted digest.

A key is ``emb_<key id>_<secret>``. The key id is stored in clear so that a
key can be listed and revoked by id; the 32-byte random secret is stored as
SHA-256(salt || secret). A slow KDF such as scrypt buys nothing for a secret
with 256 bits of entropy and would cost milliseconds on every request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

PREFIX = "emb"


@dataclass(frozen=True)
class ApiKey:
    """A verified key as callers may see it: its public id and role, never the secret."""

    key_id: str
    role: str


def new_key() -> tuple[str, str, bytes, bytes]:
    """Return (clear key, key id, salt, digest)."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_bytes(16)
    return f"{PREFIX}_{key_id}_{secret}", key_id, salt, digest(salt, secret)


def digest(salt: bytes, secret: str) -> bytes:
    return hashlib.sha256(salt + secret.encode("utf-8")).digest()


def split_key(key: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key, else None."""
    parts = key.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def matches(salt: bytes, stored: bytes, secret: str) -> bool:
    return hmac.compare_digest(digest(salt, secret), stored)
