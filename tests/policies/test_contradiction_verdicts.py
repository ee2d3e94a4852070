"""SEL014 is exact: contradictory filters are always flagged, satisfiable ones never, on `.sel`
and on the same selection as CXone JSON."""

from __future__ import annotations

import pytest

from selang.app.loader import load_selection
from selang.targets import cxone

SATISFIABLE = [
    'status == "active" and age between 18 and 65',
    "age > 17 and age < 18",  # numbers are reals: 17.5 passes
    "age >= 18 and age <= 18",
    "a != 1 and a != 2 and a not in (3, 4)",
    'a != 1 and a == "1"',  # a string is never equal to a number
    "a is null and b is null",
    'name starts with "ab" and name ends with "ba"',  # "aba"
    'name starts with "ab" and name contains "b" and name != "ab"',
    "d > 2023-01-01 and d < 2023-01-03",
    "t > 2023-01-01T00:00:00Z and t < 2023-01-01T00:00:00.000002Z",
    "flag == true and other == false",
    'a in (1, "x") and a not in (1)',
    "a between 1 and 1",
]

CONTRADICTORY = [
    "age >= 18 and age < 16",
    "a == 1 and a == 2",
    "a is null and a == 1",
    "a is null and a is not null",
    'a in ("x", "y") and a not in ("x", "y", "z")',
    "d > 2023-01-01 and d < 2023-01-02",  # calendar days: nothing in between
    "t > 2023-01-01T00:00:00Z and t < 2023-01-01T00:00:00.000001Z",
    'name starts with "ab" and name starts with "b"',
    'name == "abc" and name ends with "x"',
    "flag == true and flag == false",
    "a between 5 and 9 and a > 9",
    'a > 1 and a == "2"',  # different kinds never compare
    "flag != true and flag != false and flag is not null and flag in (true, false)",
]


def _campaign(where: str) -> str:
    return f'campaign "c" {{\n  target "l"\n  where {where}\n}}\n'


def _flagged(path: str) -> bool:
    result = load_selection(path)
    assert not any(d.code in ("SEL001", "SEL002", "SEL015") for d in result.diagnostics)
    return any(d.code == "SEL014" for d in result.diagnostics)


@pytest.mark.parametrize("where", SATISFIABLE + CONTRADICTORY)
def test_verdict_on_sel_and_json(where: str, write) -> None:
    """The selection is flagged exactly when it is contradictory, written in `.sel` or JSON."""
    expected = where in CONTRADICTORY
    sel = write("c.sel", _campaign(where))
    assert _flagged(str(sel)) is expected
    selection = load_selection(str(sel)).selection
    assert selection is not None
    as_json = write("c.json", cxone.render(selection))
    assert _flagged(str(as_json)) is expected


def test_core_is_minimal_and_in_source_order(write) -> None:
    """The diagnostic names only the conflicting rules, the first of them as its primary span."""
    sel = write(
        "c.sel",
        _campaign('a > 1 and b == 2 and c is not null and a < 5 and a == 7 and b != "x"'),
    )
    [d] = load_selection(str(sel)).diagnostics
    assert d.code == "SEL014"
    prefix = "  where a > 1 and b == 2 and c is not null and "
    assert d.span.column == len(prefix) + 1  # `a < 5`
    assert [r.span.column for r in d.related] == [len(prefix + "a < 5 and ") + 1]  # `a == 7`
    assert "`a` cannot be both `< 5` and `== 7`" in d.message
