"""SEL022: a filter rule on a field the configured field schema does not declare."""

import difflib
from collections.abc import Iterator

from selang.checks import Context, Policy
from selang.core.diagnostics import Diagnostic, Severity
from selang.policies._text import config_name, origin
from selang.semantic.model import Selection


class UnknownField(Policy):
    """A filter rule names a field the field schema does not declare.

    ## What it does
    When the configuration declares the contact fields (`[tool.selang.fields]`, or `[fields]`
    in `selang.toml`, mapping each field to `string`, `number`, `boolean`, `date` or
    `datetime`), reports every rule on a field not declared there. Without a schema the check
    does nothing.

    ## Why
    A misspelt field is null on every contact, so the rule silently excludes everyone (or, with
    `is null`, no one).

    ## Example
    With `fields = {status = "string", age = "number"}`:
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where stauts == "active"
    }
    ```

    ## Use instead
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where status == "active"
    }
    ```
    """

    code = "SEL022"
    name = "unknown-field"
    severity = Severity.ERROR

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        fields = context.config.fields
        if fields is None:
            return
        for rule in selection.rules:
            if rule.field in fields:
                continue
            close = difflib.get_close_matches(rule.field, list(fields), n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            yield self.diagnostic(
                f"unknown field `{rule.field}`{origin(rule)}",
                rule.span,
                help=f"{hint}the fields are declared in {config_name(context.config.source)}",
            )
