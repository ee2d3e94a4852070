"""The grammar compiled to plain data: LALR tables and the lexer's terminals.

`selang.syntax._tables` holds them as literals, generated ahead of time from
`grammar/selang.lark` by `python -m selang.syntax.generate` (`make tables`), so a check never
imports Lark or reads its internals. `selang.syntax.lr` runs them.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class Rule(NamedTuple):
    """One grammar rule as the parser reduces it, with Lark's tree-shaping already decided."""

    origin: str  # the nonterminal it produces
    size: int  # how many symbols it pops
    callback: str | None  # the builder method to call; None: an inlined `_rule`, kept as a list
    keep: tuple[tuple[int, bool], ...] | None  # (index, splice) of the children kept; None: all
    expand1: bool  # a `?rule` with one child is that child


class Tables(NamedTuple):
    """What `selang.syntax.lr` needs to lex and parse: plain values only."""

    terminals: tuple[tuple[str, str], ...]  # (name, regex) but keywords, in Lark's preference
    keywords: dict[str, str]  # a word spelled like a keyword -> the keyword's terminal
    ignore: tuple[str, ...]  # terminals skipped between tokens
    start: int
    end: int  # the state after `start` is reduced: the input is accepted
    states: tuple[dict[str, int], ...]  # symbol -> shift/goto state (>= 0) or ~rule (< 0)
    rules: tuple[Rule, ...]

    @property
    def pattern(self) -> str:
        """Every terminal but the keywords as one alternative, one named group each."""
        return "|".join(f"(?P<{name}>{regex})" for name, regex in self.terminals)


def grammar_path() -> Path:
    """The grammar inside an installed wheel, or at the top of a source checkout."""
    here = Path(__file__).resolve().parents[1]
    installed = here / "_grammar" / "selang.lark"
    return installed if installed.exists() else here.parent / "grammar" / "selang.lark"


def load() -> Tables:
    """The tables committed in `selang.syntax._tables`."""
    from selang.syntax import _tables as t

    rules = tuple(Rule(*rule) for rule in t.RULES)
    return Tables(t.TERMINALS, t.KEYWORDS, t.IGNORE, t.START, t.END, t.STATES, rules)
