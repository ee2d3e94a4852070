"""How the built-in policies show rules and where they came from in messages."""

from __future__ import annotations

import os

from selang.semantic.model import Rule
from selang.syntax.names import is_plain_field


def rule_text(rule: Rule) -> str:
    """The rule as `.sel` writes it, e.g. `age between 18 and 65`."""
    from selang.analysis.normalize import normalize
    from selang.analysis.reason import show_rule

    field = rule.field if is_plain_field(rule.field) else f"`{rule.field}`"
    atom = normalize(rule)
    return f"{field} {show_rule(atom)}" if atom is not None else field


def from_segment(rule: Rule) -> str:
    """`from segment `x`` for a rule expanded from a segment, else nothing."""
    if not rule.via:
        return ""
    inner, outer = rule.via[-1], rule.via[:-1]
    through = f", through {', '.join(f'`{s}`' for s in outer)}" if outer else ""
    return f"from segment `{inner}`{through}"


def origin(rule: Rule) -> str:
    """` (from segment `x`)` for a rule expanded from a segment, else nothing."""
    where = from_segment(rule)
    return f" ({where})" if where else ""


def is_json(path: str) -> bool:
    return path.endswith(".json")


def config_name(source: str | None) -> str:
    """The configuration file as a user would type its path."""
    if source is None:
        return "the configuration"
    return f"`{os.path.relpath(source).replace(os.sep, '/')}`"
