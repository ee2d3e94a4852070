"""The server survives any edits and any requests: Hypothesis types random text into a running
server (incremental changes, some with ranges past the end) and asks it everything between."""

from __future__ import annotations

import pytest

pytest.importorskip("pygls")

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lsp_client import Editor, doc, pos
from lsprotocol import types

PIECES = [
    "campaign",
    ' "c" {',
    "}",
    "target ",
    "exclude ",
    "where ",
    "priority ",
    " and ",
    " or ",
    "age",
    " == ",
    " in (",
    ")",
    ", ",
    '"x"',
    "18",
    "2024-01-01",
    "import ",
    '"lib.sel"',
    '"missing.sel"',
    "list ",
    "segment ",
    " = ",
    "adults",
    "leads",
    "# selang: ignore[SEL016]",
    "\n",
    "\r\n",
    "`",
    "é😀",
    "\0",
    "\t",
]

text_piece = st.one_of(
    st.sampled_from(PIECES),
    st.text(max_size=6),
    st.lists(st.sampled_from(PIECES), max_size=4).map("".join),
)
point = st.tuples(st.integers(0, 12), st.integers(0, 40))
edit = st.tuples(point, point, text_piece)
REQUESTS = ["hover", "definition", "references", "completion", "format", "symbols", "actions"]
request = st.tuples(st.sampled_from(REQUESTS), point)


def ask(editor: Editor, uri: str, kind: str, at: tuple[int, int]) -> None:
    """Send one request; any answer (even an error response) will do, a dead server will not."""
    c, d, p = editor.client, doc(uri), pos(*at)
    calls = {
        "hover": lambda: c.text_document_hover_async(types.HoverParams(d, p)),
        "definition": lambda: c.text_document_definition_async(types.DefinitionParams(d, p)),
        "references": lambda: c.text_document_references_async(
            types.ReferenceParams(types.ReferenceContext(True), d, p)
        ),
        "completion": lambda: c.text_document_completion_async(types.CompletionParams(d, p)),
        "format": lambda: c.text_document_formatting_async(
            types.DocumentFormattingParams(d, types.FormattingOptions(2, True))
        ),
        "symbols": lambda: c.text_document_document_symbol_async(types.DocumentSymbolParams(d)),
        "actions": lambda: c.text_document_code_action_async(
            types.CodeActionParams(
                d,
                types.Range(p, p),
                types.CodeActionContext(
                    [types.Diagnostic(types.Range(p, p), "x", code="SEL016", data={})]
                ),
            )
        ),
    }
    try:
        editor.run(calls[kind](), timeout=20)
    except TimeoutError:
        raise
    except Exception:  # an error response is an answer
        pass


@settings(max_examples=25, deadline=None)
@given(
    start=st.lists(st.sampled_from(PIECES), max_size=20).map("".join),
    steps=st.lists(st.tuples(edit, request), min_size=1, max_size=6),
)
def test_random_edits_never_kill_the_server(
    editor: Editor, project: Path, start: str, steps: list
) -> None:
    """After any sequence of edits and requests, the server still checks the next document."""
    uri = editor.open(project / "random.sel", start)
    for ((a, b), (c, d), text), (kind, at) in steps:
        lo, hi = sorted([a, b]), sorted([c, d])
        change = types.Range(pos(lo[0], hi[0]), pos(lo[1], hi[1]))
        editor.change(uri, text, change)
        ask(editor, uri, kind, at)
    editor.close(uri)
    assert editor.alive
    probe = editor.open(project / "probe.sel", 'campaign "c" {\n  target "l"\n}\n')
    assert "SEL021" in [d.code for d in editor.diagnostics(probe, 1)]
    editor.close(probe)


def test_nothing_failed_inside_the_server(editor: Editor) -> None:
    """No handler needed its safety net: the random session logged no failure."""
    assert not [line for line in editor.stderr if "failed" in line or "Traceback" in line]
