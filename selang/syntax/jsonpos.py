"""Where a JSON value sits in its text, so that JSON-side diagnostics carry real spans.

The stdlib decoder reads the values; this scanner only walks the text again, on demand, to find
the line and column of one element (e.g. `("filterRules", 2, "value")`). Iterative, so deep
nesting cannot overflow.
"""

from __future__ import annotations

import json
import re

from selang.core.diagnostics import Span

_SCALAR = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")
_WS = re.compile(r"[ \t\n\r]*")

JsonPath = tuple[str | int, ...]


def locate(text: str, path: JsonPath, file: str) -> Span:
    """The span of the value at `path`; the nearest enclosing value when it is not there."""
    best: tuple[int, int] = (0, len(text))
    stack: list[list[object]] = []  # [container kind, current key or index]
    pos = _skip(text, 0)
    while pos < len(text):
        current = tuple(frame[1] for frame in stack)
        ch = text[pos]
        if ch in "{[":
            if path[: len(current)] == current:
                best = (pos, _end_of(text, pos))
            if current == path:
                break
            stack.append([ch, None if ch == "{" else 0])
            pos = _skip(text, pos + 1)
            if ch == "{" and pos < len(text) and text[pos] == '"':
                pos = _read_key(text, pos, stack[-1])
            continue
        if ch in "}]":
            stack.pop()
            pos = _skip(text, pos + 1)
            pos = _after_value(text, pos, stack)
            continue
        start = pos
        if ch == '"':
            _, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
        else:
            match = _SCALAR.match(text, pos)
            if match is None:
                break
            pos = match.end()
        if current == path:
            best = (start, pos)
            break
        pos = _after_value(text, _skip(text, pos), stack)
    return _span(text, best[0], best[1], file)


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]


def _read_key(text: str, pos: int, frame: list[object]) -> int:
    key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
    frame[1] = key
    pos = _skip(text, pos)
    return _skip(text, pos + 1)  # the colon


def _after_value(text: str, pos: int, stack: list[list[object]]) -> int:
    """Step over a comma, moving the enclosing container on to its next element."""
    if pos < len(text) and text[pos] == "," and stack:
        frame = stack[-1]
        pos = _skip(text, pos + 1)
        if frame[0] == "[":
            frame[1] = int(frame[1]) + 1  # type: ignore[call-overload]
        elif pos < len(text) and text[pos] == '"':
            pos = _read_key(text, pos, frame)
    return pos


def _end_of(text: str, pos: int) -> int:
    """End of the container opening at `pos`: matched brackets, strings skipped."""
    depth = 0
    while pos < len(text):
        ch = text[pos]
        if ch == '"':
            _, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
            continue
        if ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return pos + 1
        pos += 1
    return len(text)


def _span(text: str, start: int, end: int, file: str) -> Span:
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    end_line = text.count("\n", 0, end) + 1
    end_col = end - (text.rfind("\n", 0, end) + 1) + 1
    return Span(file, line, col, end_line, end_col)


def offset_span(text: str, offset: int, file: str) -> Span:
    return _span(text, offset, min(offset + 1, len(text)), file)
