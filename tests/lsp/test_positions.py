"""Our 1-based code-point columns and LSP's 0-based UTF-16 positions map onto each other."""

from __future__ import annotations

import pytest

pytest.importorskip("pygls")

from hypothesis import given
from hypothesis import strategies as st
from lsp_client import offset

from selang.lsp.convert import Lines

texts = st.lists(st.text(st.characters(exclude_characters="\r\n"), max_size=12), min_size=1).map(
    "\n".join
)


@given(texts, st.data())
def test_columns_round_trip_through_utf16(text: str, data: st.DataObject) -> None:
    """Every point of every line comes back from its LSP position unchanged, and the position
    indexes the same character as counting UTF-16 code units does."""
    lines = Lines(text)
    line = data.draw(st.integers(1, len(lines.lines)))
    column = data.draw(st.integers(1, len(lines.line(line)) + 1))
    position = lines.position(line, column)
    assert lines.column(position) == (line, column)
    assert lines.offset(position) == offset(text, position)


def test_astral_characters_count_two_units() -> None:
    """A character outside the BMP is two UTF-16 units, an accented letter one."""
    lines = Lines('x = "é😀" and')
    assert lines.position(1, 9).character == 9  # after `x = "é😀"`: 8 code points, 9 units
    assert lines.position(1, 8).character == 8  # before the closing quote: 7 points, 8 units
