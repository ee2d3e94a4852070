"""Properties of `.sel` source: printed ASTs parse back, `fmt` is stable and keeps every comment."""

from __future__ import annotations

from hypothesis import given
from sel_strategies import modules, sel_sources

from selang.format.fmt import fingerprint, format_source, print_module
from selang.syntax import ast
from selang.syntax.parser import parse


@given(modules)
def test_printed_ast_parses_back_to_itself(module: ast.Module) -> None:
    """Any AST, printed in canonical form, parses back to the same AST, value kinds included."""
    source = print_module(module)
    result = parse(source, "p.sel")
    assert result.diagnostics == ()
    assert result.module is not None
    assert fingerprint(result.module) == fingerprint(module)


@given(modules)
def test_printed_ast_is_already_formatted(module: ast.Module) -> None:
    """What the printer writes is a fixed point of `fmt`."""
    source = print_module(module)
    assert format_source(source, "p.sel") == (source, [])


@given(sel_sources())
def test_grammar_text_parses(text: str) -> None:
    """Any text the grammar generates (tokens kept apart) parses without a syntax error."""
    result = parse(text, "g.sel")
    assert result.diagnostics == (), (text, result.diagnostics)


@given(sel_sources())
def test_fmt_is_idempotent_and_keeps_comments(text: str) -> None:
    """Formatting keeps the AST and every comment in order, and formatting again changes nothing."""
    before = parse(text, "g.sel")
    out, diagnostics = format_source(text, "g.sel")
    assert diagnostics == [], (text, diagnostics)
    assert out is not None
    after = parse(out, "g.sel")
    assert after.module is not None and before.module is not None
    assert fingerprint(after.module) == fingerprint(before.module)
    assert [c.text.rstrip() for c in after.comments] == [c.text.rstrip() for c in before.comments]
    assert format_source(out, "g.sel") == (out, [])
