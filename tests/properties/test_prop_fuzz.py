"""Nothing a user can feed in makes the front end raise: grammar text, random text, random bytes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sel_strategies import sel_sources

from selang.core.diagnostics import Diagnostic
from selang.format.decompile import DecompileError, to_source
from selang.format.fmt import format_source
from selang.semantic.resolve import resolve
from selang.syntax.source import decode
from selang.targets.cxone import read_payload, read_text

# Fragments of the language, so that random text is often nearly valid.
_pieces = st.sampled_from(
    [
        "import", "list", "segment", "campaign", "target", "exclude", "where", "priority", "and",
        "or", "in", "not", "between", "starts", "ends", "with", "contains", "is", "null", "true",
        "false", "{", "}", "(", ")", ",", "=", "==", "!=", "<", ">=", " ", "\n", "#", '"', "`",
        "\\", "x", "a.b", "2023-01-01", "2023-02-30", "2023-01-01T08:30Z", "1.5", "-0", '"s"',
        "\x00", "\ufeff", "\r", "é",
    ]
)  # fmt: skip
near_sel = st.lists(st.one_of(_pieces, st.text(max_size=3)), max_size=40).map("".join)


def _front_end(text: str) -> None:
    program = resolve("fuzz/in.sel", text)
    assert all(isinstance(d, Diagnostic) for d in program.diagnostics)
    out, diagnostics = format_source(text, "fuzz/in.sel")
    assert out is not None or diagnostics


@given(sel_sources())
def test_grammar_text_resolves_or_reports(text: str) -> None:
    """Grammar-shaped text resolves to a selection or to diagnostics, never an exception."""
    _front_end(text)


@given(st.one_of(near_sel, st.text()))
def test_random_text_never_raises(text: str) -> None:
    """Random and nearly-valid text is answered with diagnostics, never an exception."""
    _front_end(text)


@given(st.binary(max_size=200))
def test_random_bytes_never_raise(data: bytes) -> None:
    """Random bytes are decoded or reported, then parsed or reported, never an exception."""
    text, problem = decode(data, "in.sel")
    assert (text is None) != (problem is None)
    if text is not None:
        _front_end(text)


_keys = st.sampled_from(
    ["targetListIds", "exclusionListIds", "filterRules", "priorityOrder", "field",
     "operator", "value", "contactSelection", "id", "x"]
)  # fmt: skip
_keys = st.sampled_from(
    ["targetListIds", "exclusionListIds", "filterRules", "priorityOrder", "field",
     "operator", "value", "contactSelection", "id", "x"]
)  # fmt: skip
_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=5)),
    max_leaves=20,
)


@given(_json)
def test_random_json_is_read_or_reported(document: object) -> None:
    """Any JSON document is read into a selection or reported; decompiling it never crashes."""
    selection, diagnostics = read_payload(document, "in.json")
    if selection is not None and not diagnostics:
        try:
            to_source(selection, default_id="c")
        except DecompileError as exc:
            assert exc.diagnostic.code == "SEL090"


@given(st.text(max_size=80))
def test_random_json_text_never_raises(text: str) -> None:
    """Arbitrary text given as a JSON file is parsed or reported, never an exception."""
    selection, diagnostics = read_text(text, "in.json")
    assert selection is not None or diagnostics
