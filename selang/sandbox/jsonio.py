"""JSON in and out for the sandbox: exact decimals, no NaN, duplicate keys refused.

Numbers are read as `Decimal` so a value sent as `0.10` is stored and answered as `0.10`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


class JsonError(ValueError):
    """The text is not acceptable JSON; the message is safe to show a client."""


def _no_constants(name: str) -> Any:
    raise JsonError(f"`{name}` is not a JSON number")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JsonError(f"duplicate key `{key}`")
        out[key] = value
    return out


def loads(data: bytes | str) -> Any:
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


def dumps(value: Any, indent: int | None = None) -> str:
    """Like `json.dumps`, but a `Decimal` is written as its own text, never through float."""
    return "".join(_encode(value, indent, 0))


def _encode(value: Any, indent: int | None, level: int) -> list[str]:
    if value is None or isinstance(value, bool | int | str):
        return [json.dumps(value, ensure_ascii=False)]
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        return [str(value)]
    if isinstance(value, float):
        return [json.dumps(value, allow_nan=False)]
    if isinstance(value, dict):
        items = [
            [
                json.dumps(str(k), ensure_ascii=False),
                ": " if indent is not None else ":",
                *_encode(v, indent, level + 1),
            ]
            for k, v in value.items()
        ]
        return _wrap("{", "}", items, indent, level)
    if isinstance(value, list | tuple):
        return _wrap("[", "]", [_encode(v, indent, level + 1) for v in value], indent, level)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def _wrap(
    open_: str, close: str, items: list[list[str]], indent: int | None, level: int
) -> list[str]:
    if not items:
        return [open_, close]
    if indent is None:
        return [open_, ",".join("".join(i) for i in items), close]
    inner = "\n" + " " * (indent * (level + 1))
    outer = "\n" + " " * (indent * level)
    return [open_, inner, ("," + inner).join("".join(i) for i in items), outer, close]
