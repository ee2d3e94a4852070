"""OAuth client-credentials tokens: issuing, looking up, expiring, revoking, and scopes."""

from __future__ import annotations

import base64
import binascii
import enum
import secrets
import threading
import time
from urllib.parse import unquote_plus

import attrs

READ = "outbound:campaign:read"
WRITE = "outbound:campaign:write"
WEBHOOKS = "webhooks:write"
SCOPES = (WRITE, READ, WEBHOOKS)


@attrs.frozen
class Token:
    value: str
    scopes: frozenset[str]
    expires_at: float  # time.monotonic() clock


class Lookup(enum.Enum):
    VALID = "valid"
    UNKNOWN = "unknown"
    EXPIRED = "expired"


class TokenStore:
    """Tokens live in memory only: a restarted sandbox asks clients for fresh ones."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._tokens: dict[str, Token] = {}

    def issue(self, scopes: frozenset[str]) -> Token:
        token = Token(secrets.token_urlsafe(32), scopes, time.monotonic() + self.ttl)
        with self._lock:
            now = time.monotonic()
            # Forget long-expired tokens so a busy test run does not grow the table forever.
            self._tokens = {k: t for k, t in self._tokens.items() if t.expires_at > now - 3600}
            self._tokens[token.value] = token
        return token

    def lookup(self, value: str) -> tuple[Lookup, Token | None]:
        with self._lock:
            token = self._tokens.get(value)
        if token is None:
            return Lookup.UNKNOWN, None
        if token.expires_at <= time.monotonic():
            return Lookup.EXPIRED, token
        return Lookup.VALID, token

    def revoke_all(self) -> int:
        with self._lock:
            count = len(self._tokens)
            self._tokens.clear()
        return count


def parse_basic(header: str) -> tuple[str, str]:
    """Client id and secret from `Basic ...`; both halves are form-urlencoded (RFC 6749 §2.3.1).

    Raises ValueError with a message safe to show the client.
    """
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise ValueError("Authorization must be `Basic <base64>` on the token endpoint")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError("Basic credentials are not valid base64 of UTF-8 text") from exc
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise ValueError("Basic credentials must be `client_id:client_secret`")
    return unquote_plus(client_id), unquote_plus(secret)


def parse_scope(text: str | None) -> frozenset[str]:
    """The scopes asked for; all of them when none is named. Raises ValueError on unknown ones."""
    if text is None or not text.strip():
        return frozenset(SCOPES)
    asked = text.split()
    unknown = [s for s in asked if s not in SCOPES]
    if unknown:
        raise ValueError(f"unknown scope `{unknown[0]}`; known scopes are {' '.join(SCOPES)}")
    return frozenset(asked)


def scope_text(scopes: frozenset[str]) -> str:
    return " ".join(s for s in SCOPES if s in scopes)
