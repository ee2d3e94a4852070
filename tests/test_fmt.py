"""The formatter's canonical layout, its handling of comments, and its refusal to lose anything."""

from __future__ import annotations

import re
from textwrap import dedent

import pytest

from selang.format import comments, fmt
from selang.format.fmt import format_source
from selang.semantic import ruletext


def formatted(text: str) -> str:
    out, diagnostics = format_source(dedent(text), "t.sel")
    assert diagnostics == []
    assert out is not None
    return out


def test_contract_example_layout() -> None:
    """CONTRACT §1's campaign comes out as written there, bar the aligned `target`."""
    text = """\
        import "../lists.sel"

        campaign "campaign_xyz789" {
          target  spring_leads, "list_456def"
          exclude dnc_master, "list_789ghi"

          where active_adults
            and last_call_date > 2023-01-01
            and state in ("CA", "NY", "TX")
            and email is not null

          priority high_value, recent_engagement, default
        }
        """
    assert formatted(text) == dedent(text).replace("target  ", "target ")


def test_messy_source_is_laid_out() -> None:
    """Spacing, line breaks and clause layout are rewritten to the one canonical form."""
    text = (
        'list a="x" list b = "y"\nsegment s=age>=18 and `state`in("CA","NY",)'
        'campaign "c"{target a,b, exclude "z" where s and x is not null priority p1,p2,}'
    )
    assert formatted(text) == dedent("""\
        list a = "x"
        list b = "y"

        segment s = age >= 18 and state in ("CA", "NY")

        campaign "c" {
          target a, b
          exclude "z"

          where s
            and x is not null

          priority p1, p2
        }
        """)


def test_every_condition_form() -> None:
    """Each condition form is written in its one spelling, values exactly as written."""
    text = """\
        segment s = a == "x" and b != -1 and c > 2.50 and d >= 2023-01-01 and e < 2023-01-01T08:30Z
          and f <= 0 and g in (1, 2) and h not in ("a") and i between 1.0 and 2
          and j starts with "p" and k ends with "q" and l contains "r" and m is null
          and n is not null and o == true and p == false and s2
        """
    assert formatted(text) == dedent("""\
        segment s = a == "x"
          and b != -1
          and c > 2.50
          and d >= 2023-01-01
          and e < 2023-01-01T08:30Z
          and f <= 0
          and g in (1, 2)
          and h not in ("a")
          and i between 1.0 and 2
          and j starts with "p"
          and k ends with "q"
          and l contains "r"
          and m is null
          and n is not null
          and o == true
          and p == false
          and s2
        """)


def test_strings_are_escaped_canonically() -> None:
    """Escapes are rewritten the way JSON writes them; characters beyond ASCII stay as they are."""
    text = r'list a = "\u00e9\/\u0001\t\"\\ü"' + "\n"
    assert formatted(text) == 'list a = "é/\\u0001\\t\\"\\\\ü"\n'


def test_fields_are_back_quoted_only_when_needed() -> None:
    """A back-quoted plain name loses its quotes; keywords and spaced names keep them."""
    text = "segment s = `status` == 1 and `in` == 2 and `Last Call` is null and a.b == 3\n"
    assert formatted(text) == (
        "segment s = status == 1 and `in` == 2 and `Last Call` is null and a.b == 3\n"
    )


def test_long_lists_wrap_one_item_per_line() -> None:
    """A list clause or `in (...)` too long for 100 columns gets one item per line and a comma."""
    ids = ", ".join(f'"list_{i:020d}"' for i in range(4))
    states = ", ".join(f'"S{i:02d}"' for i in range(20))
    out = formatted(f'campaign "c" {{ target {ids} where state in ({states}) and x == 1 }}')
    lines = out.splitlines()
    assert lines[1:6] == ["  target"] + [f'    "list_{i:020d}",' for i in range(4)]
    assert lines[7] == "  where state in ("
    assert lines[8:28] == [f'      "S{i:02d}",' for i in range(20)]
    assert lines[28:30] == ["    )", "    and x == 1"]
    assert formatted(out) == out


def test_blank_lines_kept_at_most_one_and_forced_between_kinds() -> None:
    """Blank lines between declarations are kept (at most one) and added where the kind changes."""
    text = (
        'list a = "1"\n\n\n\nlist b = "2"\nlist c = "3"\nsegment s = x == 1\nsegment t = y == 1\n'
    )
    assert formatted(text) == (
        'list a = "1"\n\nlist b = "2"\nlist c = "3"\n\nsegment s = x == 1\nsegment t = y == 1\n'
    )


def test_comments_stay_in_place() -> None:
    """Own-line comments stay above the code after them; end-of-line comments stay at line end."""
    text = """\
        # file header

        # about a
        list a = "x"   # the a list
        campaign "c" {  # the campaign
          # targets
          target a,  # first
            "b"
          where x == 1 # one
            # before y
            and y == 2
          # before the end
        }  # done
        # trailer
        """
    assert formatted(text) == dedent("""\
        # file header

        # about a
        list a = "x"  # the a list

        campaign "c" {  # the campaign
          # targets
          target
            a,  # first
            "b",

          where x == 1  # one
            # before y
            and y == 2
          # before the end
        }  # done
        # trailer
        """)


def test_comment_inside_a_condition_moves_above_it() -> None:
    """A comment between the values of `in (...)` moves above the condition, order kept."""
    text = """\
        segment s = a == 1
          and state in ("CA", # west
             # more
             "NY") # end
        """
    assert formatted(text) == dedent("""\
        segment s = a == 1
          # west
          # more
          and state in ("CA", "NY")  # end
        """)


def test_comment_in_a_short_list_explodes_it() -> None:
    """A comment between list items puts the list one item per line so the comment stays put."""
    text = 'campaign "c" {\n  priority a,\n    # second\n    b\n}\n'
    assert formatted(text) == 'campaign "c" {\n  priority\n    a,\n    # second\n    b,\n}\n'


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        'campaign "c" {\n}\n',
        'campaign "c" {\n  # nothing yet\n}\n',
        'import "a.sel"\nimport "b.sel"\n',
    ],
)
def test_small_files_are_fixed_points(text: str) -> None:
    """Empty files, comment-only files and empty campaigns are already canonical."""
    assert formatted(text) == text


def test_formatting_is_idempotent_on_awkward_comments() -> None:
    """Comments in every awkward position give output that formatting leaves unchanged."""
    text = (
        "segment # a\n s # b\n = # c\n x # d\n == # e\n 1 # f\n and # g\n y == 2 # h\n"
        'campaign # i\n "c" # j\n { # k\n target # l\n "t" # m\n , # n\n "u" # o\n'
        " where # p\n s # q\n priority # r\n p # s\n } # t\n"
    )
    once = formatted(text)
    assert formatted(once) == once
    assert re.findall(r"# (\w)", once) == list("abcdefghijklmnopqrst")


def test_crlf_source_formats_to_lf() -> None:
    """Carriage returns in the input do not leak into comments or layout."""
    assert formatted('list a = "x"  # c\r\nlist b = "y"\r\n') == 'list a = "x"  # c\nlist b = "y"\n'


def test_syntax_error_gives_diagnostics_not_output() -> None:
    """A file that does not parse is not formatted; its syntax errors come back."""
    out, diagnostics = format_source("segment s = a == 1 or b == 2\n", "t.sel")
    assert out is None
    assert [d.code for d in diagnostics] == ["SEL001"]


def test_output_that_would_lose_code_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the printed text does not parse back to the same AST, no output is returned."""
    monkeypatch.setattr(ruletext, "scalar_text", lambda value: "0")  # what fmt writes values with
    out, diagnostics = format_source("segment s = a == 1\n", "t.sel")
    assert out is None
    assert [d.code for d in diagnostics] == [fmt.FORMAT_FAILED]


def test_output_that_would_lose_a_comment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """If a comment would be dropped, no output is returned."""
    monkeypatch.setattr(comments.Attached, "build", classmethod(lambda cls, *a: cls()))
    out, diagnostics = format_source('list a = "x"  # keep me\n', "t.sel")
    assert out is None
    assert [d.code for d in diagnostics] == [fmt.FORMAT_FAILED]


def test_fingerprint_tells_kinds_apart() -> None:
    """The comparison behind the self-check separates `1`, `1.0` and `true`, unlike `==`."""
    from selang.syntax.parser import parse

    one, dec, true = (parse(f"segment s = a == {v}").module for v in ("1", "1.0", "true"))
    assert one == dec == true
    assert len({fmt.fingerprint(m) for m in (one, dec, true)}) == 3


def test_documented_layout_is_what_fmt_writes() -> None:
    """The canonical-layout example in docs/language.md is a fixed point of the formatter."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "language.md").read_text("utf-8")
    section = doc[doc.index("## Canonical layout") :]
    example = section.split("```\n")[1]
    assert formatted(example) == example


def test_comment_after_a_comma_keeps_its_order() -> None:
    """An end-of-line comment after a comma that follows an own-line comment stays after it."""
    text = 'campaign "" { priority A , A\n#0\n, #\nA } '
    assert (
        formatted(text) == 'campaign "" {\n  priority\n    A,\n    A,\n    #0\n    #\n    A,\n}\n'
    )


def test_suppression_that_would_cover_other_code_is_refused() -> None:
    """A `selang: ignore` at the end of a line that formatting splits is reported, not moved."""
    text = 'campaign "c" {\n  target "t"\n  where a == 1 and b == 2  # selang: ignore[SEL019]\n}\n'
    out, diagnostics = format_source(text, "t.sel")
    assert out is None
    assert [(d.code, d.span.line) for d in diagnostics] == [(fmt.FORMAT_FAILED, 3)]
    assert "selang: ignore[SEL019]" in diagnostics[0].message


def test_suppressions_on_their_own_lines_are_formatted() -> None:
    """Suppressions that keep covering the same code do not stop the formatter."""
    text = (
        'campaign "c" { target "t"\n  # selang: ignore[SEL019]\n  where a == 1'
        "  # selang: ignore[SEL022]\n    and b == 2 }"
    )
    assert formatted(text) == (
        'campaign "c" {\n  target "t"\n\n  # selang: ignore[SEL019]\n'
        "  where a == 1  # selang: ignore[SEL022]\n    and b == 2\n}\n"
    )
