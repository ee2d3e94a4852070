"""JSON on the wire: decimals survive a read-modify-write untouched, hashes are canonical.

The campaign document is sent back whole, so numbers in fields we do not own must not be
rounded through float on the way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any


def loads(text: str | bytes) -> Any:
    return json.loads(text, parse_float=Decimal)


def dumps(value: Any, *, canonical: bool = False) -> str:
    """Compact JSON; `canonical` also sorts keys and normalises decimals (for hashing)."""
    return "".join(_encode(value, canonical))


def sha256_of(value: Any) -> str:
    return hashlib.sha256(dumps(value, canonical=True).encode("utf-8")).hexdigest()


def _encode(value: Any, canonical: bool) -> list[str]:
    if isinstance(value, Mapping):
        items = sorted(value.items()) if canonical else list(value.items())
        parts: list[str] = []
        for key, item in items:
            parts.append(json.dumps(str(key), ensure_ascii=False) + ":")
            parts.extend(_encode(item, canonical))
            parts.append(",")
        if parts:
            parts.pop()
        return ["{", *parts, "}"]
    if isinstance(value, list | tuple):
        parts = []
        for item in value:
            parts.extend(_encode(item, canonical))
            parts.append(",")
        if parts:
            parts.pop()
        return ["[", *parts, "]"]
    if isinstance(value, Decimal):
        return [_decimal(value, canonical)]
    if isinstance(value, float):
        return [_decimal(Decimal(repr(value)), canonical)]
    text = getattr(value, "text", None)  # selang Date/DateTime values emit their source text
    if isinstance(text, str) and not isinstance(value, str):
        return [json.dumps(text, ensure_ascii=False)]
    return [json.dumps(value, ensure_ascii=False)]


def _decimal(value: Decimal, canonical: bool) -> str:
    if canonical:
        # 1.50 and 1.5 are the same number; the server may not keep trailing zeros
        value = value.normalize()
    text = format(value, "f")
    return text if "." in text else text + ".0"
