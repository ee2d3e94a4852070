"""Every JSON reader, fed JSON text that is often almost right (NaN, 5,000-digit numbers,
repeated keys, deep nesting, cut short, stray bytes): `check` of a `.json` file, `decompile`,
what `import` does with a server's answer and what the sandbox does with a request body. Each
answers with its own diagnostics or errors, never another exception."""

from __future__ import annotations

import os
import tempfile
from email.message import Message
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from selang.app.loader import load_selection
from selang.core import jsonio
from selang.core.diagnostics import Diagnostic
from selang.format.decompile import DecompileError, to_source
from selang.sandbox import validate
from selang.sandbox.wire import HttpError, Request
from selang.targets.cxone import read_payload

_keys = st.sampled_from(
    ["targetListIds", "exclusionListIds", "filterRules", "priorityOrder", "field",
     "operator", "value", "contactSelection", "id", "version", "x"]
)  # fmt: skip
_operators = st.sampled_from(["eq", "gt", "in", "between", "starts_with", "is_null", "or"])
_numbers = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.integers(4290, 4310).map(lambda n: "9" * n),  # around the digit limit
    st.builds(lambda m, e: f"{m}e{e}", st.integers(-9, 9), st.integers(-5000, 5000)),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1.50", "-0", "0.0001", "1e400"]),
)
_strings = st.one_of(
    _operators, _keys, st.sampled_from(["list_a", "2023-01-01", ""]), st.text(max_size=6)
).map(jsonio.dumps)
_scalars = st.one_of(_numbers, _strings, st.sampled_from(["true", "false", "null"]))


def _object(pairs: list[tuple[str, str]]) -> str:
    # Pairs, not a dict: a key may come twice, as a hand-edited file can have it.
    return "{" + ", ".join(f"{jsonio.dumps(k)}: {v}" for k, v in pairs) + "}"


_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(_keys, inner), max_size=5).map(_object),
    ),
    max_leaves=15,
)


@st.composite
def json_texts(draw: st.DrawFn) -> bytes:
    """A JSON-ish document: sometimes nested deep, cut short, or with a stray byte inside."""
    text = draw(_values)
    depth = draw(st.sampled_from([0, 0, 0, 99, 101, 2000]))
    text = "[" * depth + text + "]" * depth
    data = text.encode("utf-8")
    cut = draw(st.sampled_from(["none", "none", "truncate", "insert"]))
    if cut != "none" and data:
        at = draw(st.integers(0, len(data) - 1))
        stray = draw(st.binary(min_size=1, max_size=2)) if cut == "insert" else b""
        data = data[:at] + stray + (data[at:] if cut == "insert" else b"")
    return data


_inputs = st.one_of(json_texts(), st.binary(max_size=200))


@given(_inputs)
def test_check_and_decompile_of_a_json_file_answer_with_diagnostics(data: bytes) -> None:
    """`check` (the loader behind check, compile and apply) reads a `.json` file into a
    selection or diagnostics; a selection without errors decompiles or is SEL090."""
    handle, path = tempfile.mkstemp(suffix=".json")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        result = load_selection(path)
    finally:
        os.unlink(path)
    assert all(isinstance(d, Diagnostic) for d in result.diagnostics)
    assert result.selection is not None or result.diagnostics
    if result.ok and result.selection is not None:
        try:
            to_source(result.selection, default_id="c")
        except DecompileError as exc:
            assert exc.diagnostic.code == "SEL090"


@given(_inputs)
def test_a_servers_answer_is_read_or_refused(data: bytes) -> None:
    """What `import` and `plan` do with an answer's body: `loads` refuses it with a
    `JsonError`, or the document is read into a selection or diagnostics; and whatever
    `loads` accepts, `dumps` writes back to the same document (the sandbox stores it so)."""
    try:
        doc = jsonio.loads(data)
    except jsonio.JsonError as exc:
        assert exc.reason
        return
    selection, diagnostics = read_payload(doc, "campaign `c`")
    assert selection is not None or diagnostics
    assert jsonio.loads(jsonio.dumps(doc, indent=2)) == doc


@given(_inputs)
def test_a_request_body_is_a_document_or_a_4xx(data: bytes) -> None:
    """The sandbox reads a PATCH body into a document, or answers 400 with a message; its
    validation of the document refuses with `Invalid`, never another exception."""
    headers = Message()
    headers["Content-Type"] = "application/json"
    request = Request("PATCH", "/api/v2/outbound/campaigns/c", "", headers, data, "127.0.0.1")
    try:
        body: Any = request.json()
    except HttpError as exc:
        assert exc.status == 400 and exc.message.startswith("body")
        return
    try:
        validate.check_campaign(body, "c")
    except validate.Invalid as exc:
        assert str(exc)
