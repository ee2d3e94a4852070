"""Scalar values shared by the AST, the selection model, the JSON codec and the analysis.

A scalar is `str | int | Decimal | bool | Date | DateTime`. Numbers keep the form they were
written in (an integer stays `int`, a decimal stays `Decimal`); dates and date-times keep their
source text so they are emitted exactly as written. Note that `bool` is a subclass of `int` in
Python: test for `bool` first wherever kinds matter (use `kind_of`).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Literal

import attrs

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATETIME_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?"
    # An offset is at most 23:59 and its minutes stay below 60: `+05:60` is not a time zone.
    r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?"
)

_OFFSET_RE = re.compile(r"[+-]\d{2}:\d{2}$")


@attrs.frozen
class Date:
    """A calendar day, written `2023-01-01`."""

    value: dt.date
    text: str

    @classmethod
    def parse(cls, text: str) -> Date:
        """Raises ValueError when `text` is not a real calendar day."""
        if not DATE_RE.fullmatch(text):
            raise ValueError(f"`{text}` is not a date of the form YYYY-MM-DD")
        return cls(dt.date.fromisoformat(text), text)


@attrs.frozen
class DateTime:
    """An instant, written `2023-01-01T08:30:00Z`; without an offset it is taken as UTC."""

    value: dt.datetime
    text: str

    @classmethod
    def parse(cls, text: str) -> DateTime:
        """Raises ValueError when `text` is not a real instant."""
        if not DATETIME_RE.fullmatch(text):
            offset = _OFFSET_RE.search(text)
            if offset and DATETIME_RE.fullmatch(text[: offset.start()]):
                raise ValueError(
                    f"its offset `{offset.group()}` is not a time zone (at most 23:59)"
                )
            raise ValueError(f"`{text}` is not a date-time of the form YYYY-MM-DDTHH:MM:SSZ")
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return cls(parsed, text)


Scalar = str | int | Decimal | bool | Date | DateTime
Kind = Literal["string", "number", "boolean", "date", "datetime"]


def kind_of(value: Scalar) -> Kind:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Date):
        return "date"
    return "datetime"


def classify_string(text: str) -> str | Date | DateTime:
    """A string shaped like an ISO date or date-time is that value (CONTRACT §2, analysis)."""
    if len(text) >= 10 and text[0].isdigit():
        for cls in (Date, DateTime):
            try:
                return cls.parse(text)
            except ValueError:
                pass
    return text


def to_json(value: Scalar) -> object:
    """The value as `json` would hold it; Decimal stays Decimal (the emitter writes it as is)."""
    if isinstance(value, Date | DateTime):
        return value.text
    return value


# Python's own bound on int <-> text conversion; a number this long is no contact's value, and
# a bound keeps `1e999999999` from being written out as a billion digits.
MAX_DIGITS = 4300


def too_long(number: str | Decimal) -> bool:
    """Whether a number, as source text of digits (an optional `-` and `.`) or as a decimal
    written out by `decimal_text`, has more than `MAX_DIGITS` digits; counted, never written."""
    if isinstance(number, str):
        return len(number) - number.startswith("-") - ("." in number) > MAX_DIGITS
    _, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int):  # NaN or infinity: no digits
        return False
    written = len(digits) + exponent if exponent >= 0 else max(len(digits), 1 - exponent)
    return written > MAX_DIGITS


def decimal_text(value: Decimal) -> str:
    """Plain positional notation that still reads as a decimal (`1E+2` → `100.0`)."""
    text = format(value, "f")
    return text if "." in text else text + ".0"


def decimal_shown(value: Decimal) -> str:
    """A decimal in a message: as `decimal_text`, unless that would run past `MAX_DIGITS`
    digits (no reader takes such a number; the analysis can be handed one), then as
    `1E+999999999`, which a person reads and which costs no billion-digit string."""
    return str(value) if too_long(value) else decimal_text(value)
