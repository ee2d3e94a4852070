"""Compile `grammar/selang.lark` with Lark into `selang/syntax/_tables.py`, plain literals.

The only module that imports Lark or reads its internals (`parse_conf`, `filter_out`,
`expand1`, ...); nothing at run time imports it. Run it after a grammar change:
`python -m selang.syntax.generate` (or `make tables`); `--check` only says whether the
committed module is stale, which `tests/test_tables.py` also asserts.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from selang.syntax.tables import Rule, Tables, grammar_path

COMMAND = "python -m selang.syntax.generate"
MODULE = Path(__file__).with_name("_tables.py")
WIDTH = 100  # the project's line length, so the module is as `ruff format` leaves it


def build(grammar: str) -> Tables:
    """Let Lark compile the grammar, and keep what parsing with the embedded builder needs."""
    import lark
    from lark.lexer import PatternStr
    from lark.parsers.lalr_analysis import Shift

    compiled = lark.Lark(grammar, parser="lalr", lexer="basic", maybe_placeholders=False)
    conf = compiled.parse_interactive("").parser_state.parse_conf
    rule_index = {rule: i for i, rule in enumerate(compiled.rules)}

    # Lark numbers its states in an order that depends on string hashing; number them again
    # breadth-first from the start, symbols in order, so the module is the same on every run.
    number = {conf.start_state: 0}
    order = [conf.start_state]
    for state in order:
        for symbol in sorted(conf.states[state], key=str):
            action, arg = conf.states[state][symbol]
            if action is Shift and arg not in number:
                number[arg] = len(order)
                order.append(arg)
    states = [
        {
            str(symbol): number[arg] if action is Shift else ~rule_index[arg]
            for symbol, (action, arg) in sorted(conf.states[state].items(), key=lambda i: str(i[0]))
        }
        for state in order
    ]

    rules = []
    for rule in compiled.rules:
        origin = str(rule.origin.name)  # Lark's names are its own `str` subclass
        keep = tuple(
            (i, not sym.is_term and sym.name.startswith("_"))
            for i, sym in enumerate(rule.expansion)
            if rule.options.keep_all_tokens or not (sym.is_term and sym.filter_out)  # type: ignore[attr-defined]
        )
        unchanged = keep == tuple((i, False) for i in range(len(rule.expansion)))
        rules.append(
            Rule(
                origin=origin,
                size=len(rule.expansion),
                callback=None if origin.startswith("_") else str(rule.alias or origin),
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
    return Tables(
        terminals=tuple((str(t.name), str(t.pattern.to_regexp())) for t in others),
        keywords=keywords,
        ignore=tuple(map(str, compiled.ignore_tokens)),
        start=number[conf.start_state],
        end=number[conf.end_state],
        states=tuple(states),
        rules=tuple(rules),
    )


def render(tables: Tables) -> str:
    """The module's text: a header naming its source and command, then one literal each."""
    parts = [
        f"# Generated from grammar/selang.lark by `{COMMAND}` (`make tables`); do not edit.\n",
        "# ruff: noqa: E501\n",
        '"""The LALR tables and terminals of the grammar, read by `selang.syntax.tables`."""\n',
        "\n",
    ]
    constants = [
        ("TERMINALS", "tuple[tuple[str, str], ...]", tables.terminals),
        ("KEYWORDS", "dict[str, str]", tables.keywords),
        ("IGNORE", "tuple[str, ...]", tables.ignore),
        ("START", "int", tables.start),
        ("END", "int", tables.end),
        ("STATES", "tuple[dict[str, int], ...]", tables.states),
        (
            "RULES",
            "tuple[tuple[str, int, str | None, tuple[tuple[int, bool], ...] | None, bool], ...]",
            tuple(tuple(rule) for rule in tables.rules),
        ),
    ]
    for name, annotation, value in constants:
        parts += _lines(value, 0, f"{name}: {annotation} = ", "")
    return "".join(parts)


def _lines(value: object, depth: int, head: str, tail: str) -> list[str]:
    """`value` on one line if it fits, else one element a line with a trailing comma."""
    indent = "    " * depth
    flat = _flat(value)
    if len(indent + head + flat + tail) <= WIDTH or not isinstance(value, tuple | dict):
        return [f"{indent}{head}{flat}{tail}\n"]
    opening, closing = ("{", "}") if isinstance(value, dict) else ("(", ")")
    lines = [f"{indent}{head}{opening}\n"]
    if isinstance(value, dict):
        for key, item in value.items():
            lines += _lines(item, depth + 1, f"{_flat(key)}: ", ",")
    else:
        for item in value:
            lines += _lines(item, depth + 1, "", ",")
    return [*lines, f"{indent}{closing}{tail}\n"]


def _flat(value: object) -> str:
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flat(k)}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        items = ", ".join(map(_flat, value))
        return f"({items},)" if len(value) == 1 else f"({items})"
    if value is None or isinstance(value, bool | int):
        return repr(value)
    raise TypeError(f"no literal for {type(value).__name__}")


def _string(text: str) -> str:
    """A literal in the quotes `ruff format` prefers: double, unless that needs more escapes."""
    literal = repr(text)
    if literal[0] == "'" and text.count('"') <= text.count("'"):
        body = literal[1:-1].replace("\\'", "'").replace('"', '\\"')
        return f'"{body}"'
    return literal


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the module is stale")
    args = parser.parse_args(argv)
    text = render(build(grammar_path().read_text(encoding="utf-8")))
    current = MODULE.read_text(encoding="utf-8") if MODULE.exists() else None
    if args.check:
        if current != text:
            print(f"{MODULE} is stale: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    if current != text:
        MODULE.write_text(text, encoding="utf-8")
        print(f"wrote {MODULE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
