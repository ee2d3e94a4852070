"""Hypothesis strategies for `.sel` ASTs, CXone selection payloads and grammar-shaped text."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import lark
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from selang.core.values import Date, DateTime
from selang.syntax import ast
from selang.syntax.names import KEYWORDS
from selang.syntax.parser import grammar_path

# --- names and scalars --------------------------------------------------------------------------

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.]{0,10}", fullmatch=True).filter(
    lambda n: n not in KEYWORDS
)
# Any text a back-quoted field can hold: no back quote, no line break.
odd_fields = st.text(
    st.characters(codec="utf-8", exclude_characters="`\n\r"), min_size=1, max_size=12
)
field_names = st.one_of(names, odd_fields)
texts = st.text(st.characters(codec="utf-8"), max_size=12)
ints = st.integers(-(10**20), 10**20)
decimal_texts = st.builds(
    lambda neg, whole, frac: f"{'-' if neg else ''}{whole}.{frac}",
    st.booleans(),
    st.integers(0, 10**9),
    st.from_regex(r"[0-9]{1,6}", fullmatch=True),
)
decimals = decimal_texts.map(Decimal)
dates = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(lambda d: Date.parse(d.isoformat()))


@st.composite
def datetime_texts(draw: st.DrawFn) -> str:
    day = draw(st.dates(dt.date(1, 1, 2), dt.date(9999, 12, 30))).isoformat()
    text = f"{day}T{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
    if draw(st.booleans()):
        text += f":{draw(st.integers(0, 59)):02d}"
        if draw(st.booleans()):
            text += "." + draw(st.from_regex(r"[0-9]{1,6}", fullmatch=True))
    return text + draw(st.sampled_from(["", "Z", "+05:30", "-08:00", "+00:00"]))


datetimes = datetime_texts().map(DateTime.parse)
scalars = st.one_of(texts, ints, decimals, st.booleans(), dates, datetimes)

# --- AST ----------------------------------------------------------------------------------------

fields = st.builds(ast.Field, field_names)
compare_ops = st.sampled_from(["==", "!=", ">", ">=", "<", "<="])
text_ops = st.sampled_from(["starts_with", "ends_with", "contains"])
conditions = st.one_of(
    st.builds(ast.Comparison, fields, compare_ops, scalars),
    st.builds(
        ast.Membership, fields, st.lists(scalars, min_size=1, max_size=4).map(tuple), st.booleans()
    ),
    st.builds(ast.Between, fields, scalars, scalars),
    st.builds(ast.StringMatch, fields, text_ops, texts),
    st.builds(ast.NullCheck, fields, st.booleans()),
    st.builds(ast.SegmentRef, names),
)
condition_lists = st.lists(conditions, min_size=1, max_size=5).map(tuple)
list_refs = st.one_of(st.builds(ast.ListName, names), st.builds(ast.ListId, texts))
list_ref_lists = st.lists(list_refs, min_size=1, max_size=6).map(tuple)
clauses = st.one_of(
    st.builds(ast.TargetClause, list_ref_lists),
    st.builds(ast.ExcludeClause, list_ref_lists),
    st.builds(ast.WhereClause, condition_lists),
    st.builds(
        ast.PriorityClause, st.lists(st.builds(ast.Tier, names), min_size=1, max_size=6).map(tuple)
    ),
)
decls = st.one_of(
    st.builds(ast.ImportDecl, texts),
    st.builds(ast.ListDecl, names, texts),
    st.builds(ast.SegmentDecl, names, condition_lists),
    st.builds(ast.CampaignDecl, texts, st.lists(clauses, max_size=5).map(tuple)),
)
modules = st.builds(ast.Module, st.lists(decls, max_size=6).map(tuple))

# --- CXone selection payloads (CONTRACT §2), as `json.loads(..., parse_float=Decimal)` gives -----

json_scalars = st.one_of(
    texts,
    ints,
    decimals,
    st.booleans(),
    dates.map(lambda d: d.text),
    datetimes.map(lambda d: d.text),
    st.just("2023-02-30"),  # date-shaped but no such day: stays a string
)
ordered_scalars = st.one_of(texts, ints, decimals, dates.map(lambda d: d.text))


@st.composite
def between_values(draw: st.DrawFn) -> list[object]:
    kind = draw(st.sampled_from(["number", "text", "date"]))
    if kind == "number":
        pair = sorted(draw(st.lists(st.one_of(ints, decimals), min_size=2, max_size=2)))
    elif kind == "text":
        # A letter first keeps the strings from looking like dates, which order as days.
        pair = sorted(draw(st.lists(texts.map(lambda t: "k" + t), min_size=2, max_size=2)))
    else:
        pair = sorted(draw(st.lists(dates, min_size=2, max_size=2)), key=lambda d: d.value)
        pair = [d.text for d in pair]
    return pair


rule_payloads = st.one_of(
    st.builds(
        lambda f, o, v: {"field": f, "operator": o, "value": v},
        field_names,
        st.sampled_from(["eq", "neq"]),
        json_scalars,
    ),
    st.builds(
        lambda f, o, v: {"field": f, "operator": o, "value": v},
        field_names,
        st.sampled_from(["gt", "gte", "lt", "lte"]),
        ordered_scalars,
    ),
    st.builds(
        lambda f, o, v: {"field": f, "operator": o, "value": v},
        field_names,
        st.sampled_from(["in", "not_in"]),
        st.lists(json_scalars, min_size=1, max_size=4),
    ),
    st.builds(
        lambda f, v: {"field": f, "operator": "between", "value": v}, field_names, between_values()
    ),
    st.builds(
        lambda f, o, v: {"field": f, "operator": o, "value": v},
        field_names,
        st.sampled_from(["starts_with", "ends_with", "contains"]),
        st.one_of(texts, dates.map(lambda d: d.text)),
    ),
    st.builds(
        lambda f, v: {"field": f, "operator": "is_null", "value": v}, field_names, st.booleans()
    ),
)
list_ids = st.one_of(texts.filter(bool), st.sampled_from(["list_a", "list_b", "list_dnc"]))


@st.composite
def payloads(draw: st.DrawFn) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, items in (
        ("targetListIds", list_ids),
        ("exclusionListIds", list_ids),
        ("filterRules", rule_payloads),
        ("priorityOrder", names),
    ):
        if draw(st.booleans()):
            out[key] = draw(st.lists(items, max_size=5))
    return out


# --- text from the grammar ----------------------------------------------------------------------

_separators = st.sampled_from([" ", "\n", "\t", "  ", "\r\n"])


def _then_space(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A token followed by whitespace, so that two tokens in a row never run together."""
    return st.tuples(strategy, _separators).map("".join)


def grammar() -> lark.Lark:
    """The grammar on its own, without the parser's embedded tree builder."""
    return lark.Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr", lexer="contextual")


def token_texts() -> dict[str, st.SearchStrategy[str]]:
    """The text of each terminal that is not a fixed string, as the language writes it."""
    return {
        "NAME": names,
        "QUOTED_FIELD": odd_fields.map(lambda f: f"`{f}`"),
        "STRING": st.builds(json.dumps, texts, ensure_ascii=st.booleans()),
        "NUMBER": st.one_of(ints.map(str), decimal_texts),
        "DATE": dates.map(lambda d: d.text),
        "DATETIME": datetime_texts(),
        "COMPARE": st.sampled_from(["==", "!=", ">", ">=", "<", "<="]),
    }


def _explicit(parser: lark.Lark) -> dict[str, st.SearchStrategy[str]]:
    explicit = {name: _then_space(s) for name, s in token_texts().items()}
    # Keywords and punctuation are fixed strings; they get the same trailing space.
    for terminal in parser.terminals:
        if terminal.name not in explicit and isinstance(terminal.pattern, lark.lexer.PatternStr):
            explicit[terminal.name] = _then_space(st.just(terminal.pattern.value))
    # Ignored terminals, which from_lark puts between tokens now and then.
    explicit["WS"] = _separators
    comment_text = st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=10)
    explicit["COMMENT"] = comment_text.map(lambda text: f"#{text}\n")
    return explicit


def sel_sources() -> st.SearchStrategy[str]:
    parser = grammar()
    return from_lark(parser, start="start", explicit=_explicit(parser))
