"""The parser: grammar health, the typed AST, spans, and syntax errors in words."""

from __future__ import annotations

import lark
import pytest

from selang.core.values import Date, DateTime
from selang.syntax import ast
from selang.syntax.parser import grammar_path, parse


def test_grammar_is_lalr_without_conflicts() -> None:
    """The grammar builds as LALR with the contextual lexer under lark's strict mode."""
    lark.Lark(grammar_path().read_text(), parser="lalr", lexer="contextual", strict=True)


def test_campaign_parses_to_typed_nodes_with_spans() -> None:
    """Every construct of CONTRACT §1 becomes its AST node, with 1-based exclusive-end spans."""
    src = (
        'import "lists.sel"\n'
        'list dnc = "list_dnc_001"\n'
        "segment adults = age between 18 and 65\n"
        'campaign "c1" {\n'
        '  target dnc, "list_2",\n'
        "  where adults and `Last Call` >= 2023-01-01T08:30:00Z and d < 2023-01-01\n"
        '    and s starts with "a" and t ends with "b" and u contains "c"\n'
        "    and n not in (1, 2.50) and e is null and f is not null and g != true\n"
        "  priority high, default\n"
        "}\n"
    )
    result = parse(src, "x.sel")
    assert result.diagnostics == ()
    assert result.module is not None
    imp, lst, seg, camp = result.module.decls
    assert imp == ast.ImportDecl("lists.sel")
    assert lst.span.line == 2 and lst.span.column == 1 and lst.span.end_column == 26
    assert seg.conditions == (ast.Between(ast.Field("age"), 18, 65),)
    assert isinstance(camp, ast.CampaignDecl)
    assert camp.span.line == 4 and camp.span.end_line == 10 and camp.span.end_column == 2
    target, where, priority = camp.clauses
    assert target.lists == (ast.ListName("dnc"), ast.ListId("list_2"))
    conds = where.conditions
    assert conds[0] == ast.SegmentRef("adults")
    assert conds[1].field.name == "Last Call"
    assert isinstance(conds[1].value, DateTime)
    assert isinstance(conds[2].value, Date) and conds[2].value.text == "2023-01-01"
    assert [c.kind for c in conds[3:6]] == ["starts_with", "ends_with", "contains"]
    assert conds[6] == ast.Membership(
        ast.Field("n"), (1, __import__("decimal").Decimal("2.50")), True
    )
    assert conds[7] == ast.NullCheck(ast.Field("e"), False)
    assert conds[8] == ast.NullCheck(ast.Field("f"), True)
    assert conds[9] == ast.Comparison(ast.Field("g"), "!=", True)
    assert priority.tiers == (ast.Tier("high"), ast.Tier("default"))
    assert conds[1].span.line == 6 and conds[1].span.column == 20


def test_keywords_are_names_where_a_name_is_expected() -> None:
    """The contextual lexer lets a field be called `target` or `in` where only a name fits."""
    result = parse('campaign "c" { target x where target == 1 and priority > 2 }', "k.sel")
    assert result.diagnostics == ()


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ('campaign "x" { target }', "expected a list name or a quoted list id, found `}`"),
        ("list a = ", "expected a quoted string, found the end of the file"),
        ('campaign "x" { where a 1 }', "expected an operator"),
        ("segment s = a == ", "expected a value"),
        ("x", "expected a declaration"),
        ('segment s = a == "abc', "unterminated or invalid string"),
        ("segment s = d == 2023-02-30", "`2023-02-30` is not a valid date"),
        ("segment s = a == 1 || b", "conditions are joined with `and`"),
        ("segment s = a == 1\0", "NUL byte"),
    ],
)
def test_syntax_errors_read_in_words(src: str, message: str) -> None:
    """A syntax error names what was expected in words, never a terminal name like `__ANON_0`."""
    (diag,) = parse(src, "e.sel").diagnostics
    assert diag.code == "SEL001"
    assert message in diag.message
    assert "__" not in diag.message and "$END" not in diag.message


@pytest.mark.parametrize(
    ("src", "help_text"),
    [
        ('campaign "c" { targt "a" }', "did you mean `target`?"),
        ('campaing "c" { }', "did you mean `campaign`?"),
        ('campaign "c" { target "a" WHERE x == 1 }', "did you mean `where`?"),
        ('campaign "c" { target "a" where x == 1 adn y == 2 }', "did you mean `and`?"),
        ('campaign "c" { target "a" where x startswith "a" }', "did you mean `starts with`?"),
        ('campaign "c" { target "a" where x is nul }', "did you mean `null`?"),
        ('campaign "c" { target "a" where x = 1 }', "compare with `==`"),
        ('campaign "c" { target "a" where x == 1 y == 2 }', None),
        ('campaign "c" { target a b }', None),
    ],
)
def test_a_misspelled_keyword_gets_a_suggestion(src: str, help_text: str | None) -> None:
    """A name close to a keyword the parser expected there is answered with that keyword, and
    `=` where an operator belongs with `==`; other names get no guess."""
    (diag,) = parse(src, "t.sel").diagnostics
    assert diag.help == help_text


def test_or_gets_its_own_message_and_hint() -> None:
    """Writing `or` points at the word and suggests `in (...)`."""
    (diag,) = parse("segment s = a == 1 or a == 2", "o.sel").diagnostics
    assert diag.message.startswith("`or` is not supported")
    assert (diag.span.line, diag.span.column, diag.span.end_column) == (1, 20, 22)
    assert diag.help is not None and "in (" in diag.help


def test_comments_are_collected_for_the_formatter() -> None:
    """Comments are kept with their positions, without a trailing carriage return."""
    result = parse('# one\r\nlist a = "x" # two\n', "c.sel")
    assert [(c.text, c.line, c.column) for c in result.comments] == [
        ("# one", 1, 1),
        ("# two", 2, 14),
    ]


def test_parsing_writes_nothing_to_the_cache_and_imports_no_lark(tmp_path) -> None:
    """The tables are committed as a module: a parse in a fresh process leaves the user's cache
    folder without grammar files and never imports Lark."""
    import os
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from selang.syntax.parser import parse\n"
        "result = parse('list a = \"b\"\\ncampaign \"c\" { target a }', 'x')\n"
        "assert result.diagnostics == (), result\n"
        "print('lark' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True)
    assert out.stdout.decode().split() == ["False"]
    assert not (tmp_path / "selang" / "grammar").exists()
    assert list(tmp_path.rglob("*grammar*")) == []
