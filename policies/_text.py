"""How the built-in policies show rules and where they came from in messages."""

from __future__ import annotations

import os

from selang.semantic import ruletext
from selang.semantic.model import Rule
from selang.semantic.ruletext import field_text


def rule_text(rule: Rule) -> str:
    """The rule as `.sel` writes it, e.g. `age between 18 and 65`."""
    from selang.analysis.normalize import normalize

    if normalize(rule) is None:  # ill-formed (SEL015 says how): only the field is sure
        return field_text(rule.field)
    return ruletext.rule_text(rule.field, rule.operator, rule.value)


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
