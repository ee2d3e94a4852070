"""The parser running the generated tables accepts exactly what Lark's own LALR parser with the
contextual lexer accepts, and stops at the same place when it does not.

Where they differ by design, the text is kept out of the comparison: selang reads the longest
token, so `wherex` is one name and `==` one operator, where Lark's contextual lexer reads only
what the parser state accepts there: the keyword `where` and then `x`, or `=` twice after
`list name`.
"""

from __future__ import annotations

import functools
import re

import lark
from hypothesis import assume, given
from hypothesis import strategies as st
from sel_strategies import grammar, sel_sources
from test_prop_fuzz import near_sel

from selang.syntax.parser import parse

# SEL001 findings about a token's value, not about the syntax: Lark accepts these.
_VALUE_PROBLEMS = ("is not a valid", "unpaired surrogate")


_KEYWORDS = (
    "import list segment campaign target exclude where priority and in not between starts ends "
    "with contains is null true false"
).split()
# A word that starts with a keyword, also right after a number (`-1listx`).
_GLUED = re.compile(rf"(?<![A-Za-z_.])(?:{'|'.join(_KEYWORDS)})[A-Za-z0-9_.]")
_GAP = r"(?:\s|#[^\n]*)"  # what may stand between two tokens
_SPLIT = re.compile(rf"(?<![A-Za-z_.])(?:list|segment){_GAP}+[A-Za-z_][A-Za-z0-9_.]*{_GAP}*==")


@functools.cache
def _lark() -> lark.Lark:
    return grammar()


def _lark_verdict(text: str) -> tuple[int, int] | None:
    """None when Lark accepts `text`, else the line and column where it stopped."""
    try:
        _lark().parse(text)
    except lark.exceptions.UnexpectedToken as exc:
        if exc.token.type == "$END":  # Lark places it on the last token; selang after it
            lines = text.split("\n")
            return len(lines), len(lines[-1]) + 1
        return exc.line, exc.column
    except lark.exceptions.UnexpectedCharacters as exc:
        return exc.line, exc.column
    return None


def _same_verdict(text: str) -> None:
    assume(not _GLUED.search(text) and not _SPLIT.search(text))
    ours = parse(text, "t.sel").diagnostics
    syntax = [d for d in ours if not any(p in d.message for p in _VALUE_PROBLEMS)]
    theirs = _lark_verdict(text)
    if theirs is None:
        assert syntax == [], (text, ours)
    else:
        assert len(syntax) == 1, (text, ours, theirs)
        assert (syntax[0].span.line, syntax[0].span.column) == theirs, (text, ours, theirs)


@given(sel_sources())
def test_grammar_text_gets_the_same_verdict(text: str) -> None:
    """Text the grammar generates is accepted by both parsers."""
    _same_verdict(text)


@given(sel_sources(), st.data())
def test_damaged_grammar_text_gets_the_same_verdict(text: str, data: st.DataObject) -> None:
    """Grammar text with a slice cut out or a fragment put in is accepted by both or rejected
    by both at the same line and column."""
    at = data.draw(st.integers(0, len(text)))
    if data.draw(st.booleans()):
        text = text[:at] + text[at + data.draw(st.integers(1, 12)) :]
    else:
        text = text[:at] + data.draw(near_sel) + text[at:]
    _same_verdict(text)


@given(near_sel)
def test_random_fragments_get_the_same_verdict(text: str) -> None:
    """Random runs of keywords, punctuation and values get the same verdict from both."""
    _same_verdict(text)


_words = st.sampled_from(
    [*_KEYWORDS, "{", "}", "(", ")", ",", "=", "==", "<", "x", "a.b", "`f g`", '"s"', "1", "-2.5",
     "2023-01-01", "2023-01-01T08:30Z", "#c\n", "\n", "or"]
)  # fmt: skip


@given(st.lists(_words, max_size=30).map(" ".join))
def test_spaced_words_get_the_same_verdict(text: str) -> None:
    """Keywords, names and values apart from each other, in any order: most are keywords
    where a name is expected or the other way round, which is where the lexer asks the parser."""
    _same_verdict(text)
