"""User-provided text made safe for a terminal or a CI log: control, bidirectional and line
separator characters are shown as the escapes a `.sel` string would use (`\\n`, `\\u001b`)."""

from __future__ import annotations

import re

# C0 and C1 controls and DEL; bidirectional embeddings, overrides and isolates; the marks;
# line and paragraph separators; lone surrogates (which no terminal can print).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT.get(char) or f"\\u{ord(char):04x}"


def printable(text: str) -> str:
    """`text` with every character that could move the cursor, reorder the line or start a new
    one written as an escape; everything else, `é` and emoji included, as it is."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def printable_columns(text: str) -> tuple[str, list[int]]:
    """`printable(text)` and, for each column of `text` (0-based, plus its end), the column
    where that character starts in the escaped text: for carets under an escaped source line."""
    out: list[str] = []
    where: list[int] = []
    at = 0
    for char in text:
        where.append(at)
        shown = printable(char)
        out.append(shown)
        at += len(shown)
    where.append(at)
    return "".join(out), where
