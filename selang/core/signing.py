"""Standard Webhooks signatures (https://www.standardwebhooks.com): the `webhook-signature`
header the CRM delivery sends and the sandbox's webhook deliverer sends."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh `whsec_` secret of 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def signing_key(secret: str) -> bytes:
    """The HMAC key of a Standard Webhooks secret: `whsec_` + the key in base64 (standard
    alphabet, padded). Anything else raises `ValueError`, whose message never quotes the
    secret: a key verifiers would decode differently would sign what no one can check."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"a signing secret starts with `{SECRET_PREFIX}`")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except ValueError:
        raise ValueError(f"a signing secret is `{SECRET_PREFIX}` followed by base64") from None
    if not key:
        raise ValueError(f"a signing secret has a key after `{SECRET_PREFIX}`")
    return key


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value: `v1,` and the base64 HMAC-SHA256 of id.ts.body."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")
