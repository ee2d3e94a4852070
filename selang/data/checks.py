"""The data checks of `preview`: rules against the source's columns, and empty campaigns.

Missing columns stop a preview (the SQL could not run); SEL031 warns of a rule whose value is of
another kind than its column's data; SEL030 is a campaign that selects nobody, naming the step
that emptied it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING

from selang.core.diagnostics import Diagnostic, Severity, Span, error
from selang.semantic.model import Selection
from selang.targets.sql import ContactsTable

if TYPE_CHECKING:
    from .preview import Preview

EMPTY, CLASH = "SEL030", "SEL031"
MISSING = "SEL032"

_TEXT = ("starts_with", "ends_with", "contains")
_ARTICLE = {
    "string": "a string",
    "number": "a number",
    "boolean": "a boolean",
    "date": "a date",
    "datetime": "a date-time",
}


def _shown_field(name: str) -> str:
    from selang.syntax.names import is_plain_field

    return name if is_plain_field(name) else f"`{name}`"


def missing_columns(
    selection: Selection, columns: Mapping[str, str], source: str
) -> list[Diagnostic]:
    """A rule whose field has no column: the columns there are, and the closest name."""
    found: list[Diagnostic] = []
    there = ", ".join(f"`{c}`" for c in columns) or "none"
    for rule in selection.rules:
        if rule.field in columns:
            continue
        close = difflib.get_close_matches(rule.field, list(columns), n=1, cutoff=0.6)
        if not close:  # a case slip is the commonest near miss
            close = [c for c in columns if c.lower() == rule.field.lower()][:1]
        hint = f"did you mean `{close[0]}`? " if close else ""
        found.append(
            error(
                MISSING,
                f"field `{rule.field}` has no column in `{source}`",
                rule.span,
                f"{hint}columns: {there}",
            )
        )
    return found


def type_clashes(selection: Selection, table: ContactsTable) -> list[Diagnostic]:
    """SEL031: a rule compares a column with a value of another kind than the data holds."""
    from selang.core.values import classify_string, kind_of

    found: list[Diagnostic] = []
    for rule in selection.rules:
        # The kind the rule is run at: declared in `[tool.selang.fields]`, else the data's.
        held = table.kind(rule.field) if rule.field in table.data_types else None
        if held is None or rule.operator == "is_null":
            continue
        column = _shown_field(rule.field)
        if rule.operator in _TEXT:
            if held != "string":
                found.append(
                    _clash(
                        f"`{rule.operator.replace('_', ' ')}` needs a string column, but "
                        f"`{rule.field}` holds {_ARTICLE.get(held, held)} in the data",
                        rule.span,
                        column,
                        held,
                    )
                )
            continue
        values = rule.value if isinstance(rule.value, tuple) else (rule.value,)
        for value in values:
            of = kind_of(classify_string(value) if isinstance(value, str) else value)
            if of != held:
                found.append(
                    _clash(
                        f"`{rule.field}` holds {_ARTICLE.get(held, held)} in the data, but the "
                        f"rule compares it with {_ARTICLE[of]}",
                        rule.span,
                        column,
                        held,
                    )
                )
                break
    return found


def _clash(message: str, span: Span, column: str, held: str) -> Diagnostic:
    advice = (
        f"compare {column} with {_ARTICLE[held]}, or declare its type in `[tool.selang.fields]`"
        if held in _ARTICLE
        else f"{column} has a type selang does not compare (`{held}`)"
    )
    return Diagnostic(CLASH, Severity.WARNING, message, span, advice)


def empty_campaign(selection: Selection, result: Preview) -> Diagnostic | None:
    """SEL030 when the campaign selects nobody: which step left no one."""
    if result.selected:
        return None
    name = f"campaign `{selection.campaign_id}`" if selection.campaign_id else "the campaign"
    if not result.targeted:
        ids = ", ".join(f"`{r.id}`" for r in selection.targets) or "none"
        return error(
            EMPTY,
            f"{name} selects no contact: no contact is in its target lists",
            selection.span,
            f"target lists: {ids}",
        )
    if result.excluded == result.targeted:
        return error(
            EMPTY,
            f"{name} selects no contact: the exclusion lists remove all {result.targeted} targeted",
            selection.span,
        )
    before = result.targeted - result.excluded
    for count in result.rules:
        if count.remaining == 0:
            from selang.policies._text import rule_text

            return error(
                EMPTY,
                f"{name} selects no contact: `{rule_text(count.rule)}` removes the last {before}",
                count.rule.span,
            )
        before = count.remaining
    return error(EMPTY, f"{name} selects no contact", selection.span)


def data_problems(
    selection: Selection, table: ContactsTable, columns: Mapping[str, str], source: str
) -> list[Diagnostic]:
    """Everything to say before the scan: missing columns (errors), then kind clashes."""
    return missing_columns(selection, columns, source) + type_clashes(selection, table)
