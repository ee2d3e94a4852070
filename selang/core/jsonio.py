"""JSON in and out for every layer: numbers keep their exact digits both ways, and one canonical
form (sorted keys, normalised decimals) is what hashes and comparisons are taken over.

Every reader (files, the sandbox's request bodies, the server's answers) goes through one
`loads`, which refuses what a reader could only guess at and says where it is.

The stdlib encoder cannot write a `Decimal` without going through float, which would turn
`2.50` into `2.5`, so values are written here; the layout (compact, or indented with `indent`)
is byte for byte what `json.dumps(..., ensure_ascii=False)` writes for the same structure,
but for lone surrogates (no UTF-8 can hold them), which are written as `\\uXXXX` escapes.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NoReturn

from selang.core.values import MAX_DIGITS, Date, DateTime, decimal_text, too_long

MAX_DEPTH = 100  # arrays and objects inside one another; a campaign document nests 4 deep


class JsonError(ValueError):
    """Text `loads` refuses. `reason` is safe to show whoever sent it; `pos` is the offset in
    the text it points at (None when no place is to blame), `str()` adds its line and column."""

    def __init__(self, reason: str, text: str = "", pos: int | None = None) -> None:
        self.reason, self.pos = reason, pos
        if pos is not None:
            line = text.count("\n", 0, pos) + 1
            column = pos - text.rfind("\n", 0, pos)
            reason = f"{reason} at line {line} column {column}"
        super().__init__(reason)


def loads(data: str | bytes) -> Any:
    """Decode JSON; a number with a fraction or an exponent becomes a `Decimal`.

    Raises `JsonError` for text that is not JSON and for JSON no reader here should take:
    bytes that are not UTF-8, `NaN` or `Infinity`, a key twice in one object, a number of more
    than `MAX_DIGITS` digits, nesting deeper than `MAX_DEPTH`.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonError(
                f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
            ) from None
    text = data
    # Only a text with this many brackets can nest too deeply; the C decoder would recurse.
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(text) > MAX_DEPTH:
        _raise_first_problem(text, "nests too deeply")
    try:
        return json.loads(
            text,
            parse_float=_decimal,
            parse_int=_int,
            parse_constant=_constant,
            object_pairs_hook=_pairs,
        )
    except json.JSONDecodeError as exc:
        raise JsonError(f"invalid JSON: {exc.msg.lower()}", text, exc.pos) from None
    except _Refused as exc:
        _raise_first_problem(text, str(exc))
    except RecursionError:
        _raise_first_problem(text, "nests too deeply")


class _Refused(Exception):
    """Raised by the decoder's hooks, which do not know where they are: `_first_problem` does."""


def _decimal(text: str) -> Decimal:
    number = Decimal(text)
    if too_long(number):
        raise _Refused(_TOO_LONG)
    return number


def _int(text: str) -> int:
    if too_long(text):
        raise _Refused(_TOO_LONG)
    return int(text)


def _constant(name: str) -> Any:
    raise _Refused(f"`{name}` is not a JSON number")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) < len(pairs):
        raise _Refused("duplicate key")
    return out


_TOO_LONG = f"number has more than {MAX_DIGITS:,} digits"
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_STRING = re.compile(r'"(?:[^"\\]|\\.)*+"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _depth(text: str) -> int:
    """How deep the brackets outside strings nest, in one pass of C loops."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _raise_first_problem(text: str, fallback: str) -> NoReturn:
    found = _first_problem(text)
    if found is None:
        raise JsonError(fallback)
    raise JsonError(found[1], text, found[0])


_WS = re.compile(r"[ \t\n\r]*+")
_TOKEN = re.compile(
    r'(?P<open>[\[{])|(?P<close>[\]}])|(?P<string>")|(?P<sep>[,:])'
    r"|(?P<constant>NaN|Infinity|-Infinity)"
    r"|(?P<number>-?(?:0|[1-9][0-9]*+)(?P<fraction>(?:\.[0-9]++)?(?:[eE][-+]?[0-9]++)?))"
    r"|(?P<word>true|false|null)"
)


def _first_problem(text: str) -> tuple[int, str] | None:
    """The offset and reason of the first thing `loads` refuses in `text`, walked without
    recursion; None at a plain syntax error before it (the decoder words those)."""
    frames: list[set[str] | None] = []  # per open container: an object's keys so far
    want_key = False
    pos = _WS.match(text).end()  # type: ignore[union-attr]
    while pos < len(text):
        found = _TOKEN.match(text, pos)
        if found is None:
            return None
        at, pos, kind = pos, found.end(), found.lastgroup
        token = found.group()
        if kind == "open":
            if len(frames) == MAX_DEPTH:
                return at, f"arrays and objects nested more than {MAX_DEPTH} deep"
            frames.append(set() if token == "{" else None)
        elif kind == "close" and frames:
            frames.pop()
        elif kind == "string":
            try:
                value, pos = json.decoder.scanstring(text, pos)  # type: ignore[attr-defined]
            except json.JSONDecodeError:
                return None
            keys = frames[-1] if want_key and frames else None
            if keys is not None:
                if value in keys:
                    return at, f"duplicate key `{value}`"
                keys.add(value)
        elif kind == "constant":
            return at, f"`{token}` is not a JSON number"
        elif kind == "number" and too_long(Decimal(token) if found.group("fraction") else token):
            return at, _TOO_LONG
        # A key comes next right after `{`, or after a `,` inside an object.
        want_key = token in "{," and bool(frames) and frames[-1] is not None
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
    return None


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
