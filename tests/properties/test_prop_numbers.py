"""Number texts through JSON → `.sel` → JSON: one normal form, and the guard sees any other."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selang.format import decompile
from selang.format.decompile import DecompileError, to_source
from selang.semantic.resolve import resolve
from selang.targets.cxone import read_text, render

DIGITS = st.text("0123456789", min_size=1, max_size=6)
NUMBER_TEXTS = st.one_of(
    st.sampled_from(["-0", "0", "-0.0", "0.0", "-0.000", "1E+2", "2.50", "1e400", "-1e-3"]),
    st.builds(lambda sign, whole: f"{sign}{int(whole)}", st.sampled_from(["", "-"]), DIGITS),
    st.builds(
        lambda sign, whole, frac: f"{sign}{int(whole)}.{frac}",
        st.sampled_from(["", "-"]),
        DIGITS,
        DIGITS,
    ),
)


def _selection(number: str):
    text = (
        '{"targetListIds": ["l"], "filterRules": '
        f'[{{"field": "n", "operator": "eq", "value": {number}}}]}}'
    )
    selection, diagnostics = read_text(text, "in.json")
    assert diagnostics == [] and selection is not None
    return selection


@given(NUMBER_TEXTS)
def test_numbers_reach_one_normal_form(number: str) -> None:
    """Compiling the JSON and compiling its decompiled `.sel` write the number alike: an integer
    `-0` is `0` either way, a decimal keeps its sign and digits (`-0.0`)."""
    selection = _selection(number)
    compiled = render(selection)
    source = to_source(selection, default_id="c")
    program = resolve("out.sel", source)
    assert program.diagnostics == () and program.selection is not None
    assert render(program.selection) == compiled
    written = json.loads(compiled, parse_float=str, parse_int=str)["filterRules"][0]["value"]
    if "." in number or "e" in number.lower():
        assert written.startswith("-") == number.startswith("-")
    else:
        assert written == str(int(number))


def test_integer_minus_zero_is_zero_in_sel_too() -> None:
    """`.sel` reads `-0` as the integer 0, as JSON does, and compiles it to `0`."""
    program = resolve("c.sel", 'campaign "c" {\n  target "l"\n  where n == -0 and m == -0.0\n}\n')
    assert program.selection is not None
    values = [
        r["value"] for r in json.loads(render(program.selection), parse_float=str)["filterRules"]
    ]
    assert values == [0, "-0.0"]


def test_round_trip_guard_catches_a_changed_number_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Were the printer to drop the sign of `-0.0`, decompiling refuses rather than change it."""
    printed = decompile.print_module
    monkeypatch.setattr(
        decompile, "print_module", lambda module: printed(module).replace("-0.0", "0.0")
    )
    with pytest.raises(DecompileError):
        to_source(_selection("-0.0"), default_id="c")
