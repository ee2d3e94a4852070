"""JSON in and out for every layer: numbers keep their exact digits both ways, and one canonical
form (sorted keys, normalised decimals) is what hashes and comparisons are taken over.

The stdlib encoder cannot write a `Decimal` without going through float, which would turn
`2.50` into `2.5`, so values are written here; the layout (compact, or indented with `indent`)
is byte for byte what `json.dumps(..., ensure_ascii=False)` writes for the same structure,
but for lone surrogates (no UTF-8 can hold them), which are written as `\\uXXXX` escapes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from selang.core.values import Date, DateTime, decimal_text


class JsonError(ValueError):
    """Text refused by a strict `loads`; the message is safe to show whoever sent it."""


def loads(data: str | bytes, *, strict: bool = False) -> Any:
    """Decode JSON; a number with a fraction or an exponent becomes a `Decimal`.

    Plain reading raises `json.JSONDecodeError` (it carries the offset diagnostics point at).
    `strict` also refuses `NaN`/`Infinity`, duplicate keys, bytes that are not UTF-8 and
    nesting too deep to decode, all as `JsonError`.
    """
    if not strict:
        return json.loads(data, parse_float=Decimal)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonError("body is not UTF-8") from exc
    try:
        return json.loads(
            data, parse_float=Decimal, parse_constant=_no_constants, object_pairs_hook=_pairs
        )
    except json.JSONDecodeError as exc:
        raise JsonError(
            f"body is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise JsonError("body nests too deeply") from exc


def _no_constants(name: str) -> Any:
    raise JsonError(f"`{name}` is not a JSON number")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JsonError(f"duplicate key `{key}`")
        out[key] = value
    return out


def dumps(value: Any, *, canonical: bool = False, indent: int | None = None) -> str:
    """JSON text: compact, or with `indent` spaces per level (no trailing newline).

    `canonical` sorts keys and writes equal decimals alike (`1.50` as `1.5`), so two documents
    that mean the same have the same text. Decimals and floats are written in positional
    notation that still reads as a decimal (`1E+2` as `100.0`); dates as their source text.
    Raises `ValueError` for NaN or infinity and `TypeError` for a value JSON cannot hold.
    """
    out: list[str] = []
    _write(value, out, canonical, indent, 0)
    return "".join(out)


def sha256_of(value: Any) -> str:
    """The hex SHA-256 of the canonical text of `value`."""
    import hashlib  # loads OpenSSL; only plans and the audit trail need it

    return hashlib.sha256(dumps(value, canonical=True).encode("utf-8")).hexdigest()


def _write(value: Any, out: list[str], canonical: bool, indent: int | None, level: int) -> None:
    if isinstance(value, Mapping):
        items = sorted(value.items()) if canonical else value.items()
        colon = ":" if indent is None else ": "
        _container("{", "}", items, out, canonical, indent, level, colon)
    elif isinstance(value, list | tuple):
        _container("[", "]", value, out, canonical, indent, level, None)
    elif isinstance(value, Decimal | float) and not isinstance(value, bool):
        out.append(_number(value, canonical))
    elif isinstance(value, Date | DateTime):
        out.append(json.dumps(value.text))
    elif isinstance(value, str):
        out.append(_string(value))
    elif value is None or isinstance(value, bool | int):
        out.append(json.dumps(value))
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def _container(
    open_: str,
    close: str,
    items: Any,
    out: list[str],
    canonical: bool,
    indent: int | None,
    level: int,
    colon: str | None,
) -> None:
    """`items` are values, or (key, value) pairs when `colon` is given."""
    newline = "" if indent is None else "\n" + " " * (indent * (level + 1))
    out.append(open_)
    first = True
    for item in items:
        out.append(newline if first else "," + newline)
        first = False
        if colon is not None:
            key, item = item
            out.append(_string(str(key)) + colon)
        _write(item, out, canonical, indent, level + 1)
    if not first and indent is not None:
        out.append("\n" + " " * (indent * level))
    out.append(close)


# A lone surrogate (a file name's byte that is not UTF-8, as Python spells it) has no UTF-8
# form; written as its `\uXXXX` escape, the text reads back as the same string.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _string(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)
    if quoted.isascii():
        return quoted
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _number(value: Decimal | float, canonical: bool) -> str:
    number = Decimal(repr(value)) if isinstance(value, float) else value
    if not number.is_finite():
        raise ValueError(f"{value} is not a JSON number")
    if canonical:
        # 1.50 and 1.5 are the same number; a server need not keep trailing zeros
        number = number.normalize()
    return decimal_text(number)
