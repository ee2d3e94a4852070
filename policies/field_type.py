"""SEL023: a filter rule whose value does not match the field's declared type."""

from collections.abc import Iterator

from selang.checks import Context, Policy
from selang.core.diagnostics import Diagnostic, Severity
from selang.core.values import classify_string, kind_of
from selang.policies._text import origin
from selang.semantic.model import Rule, Selection

_TEXT = ("starts_with", "ends_with", "contains")
_ARTICLE = {
    "string": "a string",
    "number": "a number",
    "boolean": "a boolean",
    "date": "a date",
    "datetime": "a date-time",
}


class FieldTypeMismatch(Policy):
    """A filter rule compares a field with a value of another type than the field's.

    ## What it does
    When the configuration declares the contact fields and their types, reports a rule whose
    value is of another kind than its field (`age == "18"` on a number field, a date compared
    with a date-time), and a text match (`starts with`, `ends with`, `contains`) on a field that
    is not a string. Without a schema the check does nothing.

    ## Why
    Values of different kinds never compare: such a rule excludes every contact (or, with
    `!=` and `not in`, none), whatever was meant.

    ## Example
    With `fields = {age = "number"}`:
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where age >= "18"
    }
    ```

    ## Use instead
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where age >= 18
    }
    ```
    """

    code = "SEL023"
    name = "field-type-mismatch"
    severity = Severity.ERROR

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        fields = context.config.fields
        if fields is None:
            return
        for rule in selection.rules:
            declared = fields.get(rule.field)
            if declared is None or rule.operator == "is_null":
                continue
            problem = _problem(rule, declared)
            if problem:
                yield self.diagnostic(
                    problem,
                    rule.span,
                    help=f"`{rule.field}` is declared as `{declared}`; compare it with "
                    f"{_ARTICLE[declared]}{origin(rule)}",
                )


def _problem(rule: Rule, declared: str) -> str | None:
    if rule.operator in _TEXT:
        if declared == "string":
            return None
        match = rule.operator.replace("_", " ")
        return f"`{match}` needs a string field, but `{rule.field}` is {_ARTICLE[declared]}"
    from selang.analysis.reason import show

    values = rule.value if isinstance(rule.value, tuple) else (rule.value,)
    for value in values:
        # Strings shaped like dates are dates (CONTRACT §2), as the analysis reads them.
        actual = kind_of(classify_string(value) if isinstance(value, str) else value)
        if actual != declared:
            return (
                f"`{rule.field}` is {_ARTICLE[declared]} field, but `{show(value)}` is "
                f"{_ARTICLE[actual]}"
            )
    return None
