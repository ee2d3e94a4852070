"""The grammar compiled to plain data: LALR tables and one lexer pattern, built by Lark.

The only module that imports Lark, and only to build the tables: the first run after an install
or a grammar change. The result is kept in the user's cache with `marshal`, so every later run
loads it in well under a millisecond and never imports Lark (whose import alone costs more
than checking a file). `selang.syntax.parser` runs the tables.
"""

from __future__ import annotations

import marshal
import zlib
from pathlib import Path
from typing import NamedTuple

# Bump when the layout of the cached tables changes, so tables of an old layout are not loaded.
FORMAT = 2


class Rule(NamedTuple):
    """One grammar rule as the parser reduces it, with Lark's tree-shaping already decided."""

    origin: str  # the nonterminal it produces
    size: int  # how many symbols it pops
    callback: str | None  # the builder method to call; None: an inlined `_rule`, kept as a list
    keep: tuple[tuple[int, bool], ...] | None  # (index, splice) of the children kept; None: all
    expand1: bool  # a `?rule` with one child is that child


class Tables(NamedTuple):
    """What `selang.syntax.parser` needs to lex and parse: plain values only, for `marshal`."""

    pattern: str  # every terminal but the keywords, one named group each, in Lark's preference
    keywords: dict[str, str]  # a word spelled like a keyword -> the keyword's terminal
    ignore: tuple[str, ...]  # terminals skipped between tokens
    start: int
    end: int  # the state after `start` is reduced: the input is accepted
    states: tuple[dict[str, int], ...]  # symbol -> shift/goto state (>= 0) or ~rule (< 0)
    rules: tuple[Rule, ...]


def grammar_path() -> Path:
    """The grammar inside an installed wheel, or at the top of a source checkout."""
    here = Path(__file__).resolve().parents[1]
    installed = here / "_grammar" / "selang.lark"
    return installed if installed.exists() else here.parent / "grammar" / "selang.lark"


def load() -> Tables:
    """The tables of the grammar as it is now: from the user's cache, or built and cached."""
    from selang import __version__
    from selang.core.cachedir import cache_file, write_atomic

    grammar = grammar_path().read_text(encoding="utf-8")
    key = [FORMAT, __version__, grammar]
    path = cache_file("grammar", key, suffix=".marshal")
    if path is not None:
        cached = _read(path, key)
        if cached is not None:
            return cached
    tables = build(grammar)
    if path is not None:
        data = marshal.dumps(_to_data(tables))
        write_atomic(path, marshal.dumps([key, zlib.crc32(data), data]))
        _remove_legacy(path.parent.parent)
    return tables


def _read(path: Path, key: list[object]) -> Tables | None:
    """The cached tables, unless absent, built for another key, or damaged in any way."""
    try:
        stored_key, checksum, data = marshal.loads(path.read_bytes())
        if stored_key != key or zlib.crc32(data) != checksum:
            return None
        return _from_data(marshal.loads(data))
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _remove_legacy(folder: Path) -> None:
    """Tables cached by selang 0.1.0 before this layout, which nothing reads any more."""
    for old in folder.glob("grammar-*.lark"):
        old.unlink(missing_ok=True)


def _to_data(tables: Tables) -> list[object]:
    return [*tables[:-1], [tuple(rule) for rule in tables.rules]]


def _from_data(data: list[object]) -> Tables:
    *head, rules = data
    return Tables(*head, tuple(Rule(*rule) for rule in rules))  # type: ignore[arg-type, misc]


def build(grammar: str) -> Tables:
    """Let Lark compile the grammar, and keep what parsing with the embedded builder needs."""
    import re

    import lark
    from lark.lexer import PatternStr
    from lark.parsers.lalr_analysis import Shift

    compiled = lark.Lark(grammar, parser="lalr", lexer="basic", maybe_placeholders=False)
    conf = compiled.parse_interactive("").parser_state.parse_conf
    rule_index = {rule: i for i, rule in enumerate(compiled.rules)}

    states: list[dict[str, int]] = [{} for _ in conf.states]
    for state, row in conf.states.items():
        for symbol, (action, arg) in row.items():
            states[state][str(symbol)] = arg if action is Shift else ~rule_index[arg]

    rules = []
    for rule in compiled.rules:
        origin = str(rule.origin.name)  # Lark's names are its own `str` subclass
        inlined = origin.startswith("_")
        keep = tuple(
            (i, not sym.is_term and sym.name.startswith("_"))
            for i, sym in enumerate(rule.expansion)
            if rule.options.keep_all_tokens or not (sym.is_term and sym.filter_out)
        )
        unchanged = keep == tuple((i, False) for i in range(len(rule.expansion)))
        rules.append(
            Rule(
                origin=origin,
                size=len(rule.expansion),
                callback=None if inlined else str(rule.alias or origin),
                keep=None if unchanged else keep,
                expand1=bool(rule.options.expand1 and not rule.alias),
            )
        )

    # A word is a keyword only where the parser accepts that keyword, and a name elsewhere;
    # every other terminal is an alternative of one pattern, in Lark's order of preference:
    # priority, then the longer pattern first.
    is_word = re.compile(compiled.get_terminal("NAME").pattern.to_regexp()).fullmatch
    keywords = {
        str(t.pattern.value): str(t.name)
        for t in compiled.terminals
        if isinstance(t.pattern, PatternStr) and is_word(t.pattern.value)
    }
    others = sorted(
        (t for t in compiled.terminals if t.name not in keywords.values()),
        key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name),
    )
    pattern = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in others)
    return Tables(
        pattern=pattern,
        keywords=keywords,
        ignore=tuple(map(str, compiled.ignore_tokens)),
        start=conf.start_state,
        end=conf.end_state,
        states=tuple(states),
        rules=tuple(rules),
    )
