"""Which names can be written bare and which need back quotes."""

import re

PLAIN_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
# Words the grammar treats as keywords somewhere; a name equal to one is always back-quoted.
KEYWORDS = frozenset(
    (
        "import list segment campaign target exclude where priority and in not between "
        "starts ends with contains is null true false or"
    ).split()
)


def is_plain_field(name: str) -> bool:
    return PLAIN_FIELD.fullmatch(name) is not None and name not in KEYWORDS


def is_plain_name(name: str) -> bool:
    """A list, segment or tier name that can be written without quotes."""
    return is_plain_field(name)
