"""`selang.core.jsonio.loads`: what every JSON reader refuses, exactly at its limits, and where."""

from __future__ import annotations

from decimal import Decimal

import pytest

from selang.core import jsonio


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100 + "]" * 100,
        '{"a": ' * 99 + "[]" + "}" * 99,
        "1" * 4300,
        "-" + "9" * 4300,
        "1e4299",
        "0." + "0" * 4298 + "1",
        '["' + "[{" * 1000 + '"]',
        '{"a": {"a": 1}, "b": {"a": 2}, "c": "a"}',
        '"NaN"',
    ],
    ids=[
        "depth-100",
        "objects-100",
        "4300-digits",
        "4300-negative",
        "exponent-4300",
        "fraction-4300",
        "brackets-in-a-string",
        "same-key-other-objects",
        "nan-in-a-string",
    ],
)
def test_at_the_limits_is_read(text: str) -> None:
    """Right at each limit, and for look-alikes inside strings, the text is read as JSON."""
    jsonio.loads(text)


@pytest.mark.parametrize(
    ("text", "pos", "reason"),
    [
        ("[" * 101 + "]" * 101, 100, "arrays and objects nested more than 100 deep"),
        ("[" * 100_000, 100, "arrays and objects nested more than 100 deep"),
        ("[1, " + "1" * 4301 + "]", 4, "number has more than 4,300 digits"),
        ("[1e4300]", 1, "number has more than 4,300 digits"),
        ("[0." + "0" * 4299 + "1]", 1, "number has more than 4,300 digits"),
        ('{"a": [NaN]}', 7, "`NaN` is not a JSON number"),
        ("[1,\n -Infinity]", 5, "`-Infinity` is not a JSON number"),
        ('{"a": 1, "b": {"c": 1, "c": 2}}', 23, "duplicate key `c`"),
        ('{"a": 1, "a": 1}', 9, "duplicate key `a`"),
        ('{"a": 1,}', 8, "invalid JSON: expecting property name enclosed in double quotes"),
    ],
)
def test_refusals_name_their_reason_and_place(text: str, pos: int, reason: str) -> None:
    """Each refusal is a `JsonError` with the reason and the offset of the token to blame."""
    with pytest.raises(jsonio.JsonError) as caught:
        jsonio.loads(text)
    assert (caught.value.reason, caught.value.pos) == (reason, pos)


def test_bytes_must_be_utf8() -> None:
    """Bytes are decoded as UTF-8; others are refused with the offending byte and offset."""
    assert jsonio.loads('["é"]'.encode()) == ["é"]
    with pytest.raises(jsonio.JsonError, match=r"not UTF-8 \(byte 0xff at offset 1\)"):
        jsonio.loads(b"[\xff]")


def test_numbers_keep_their_kind() -> None:
    """Integers stay integers and anything with a point or an exponent is an exact Decimal."""
    assert jsonio.loads("[1, 2.50, 1e400]") == [1, Decimal("2.50"), Decimal("1e400")]
