"""SEL012: more filter rules than the configured limit."""

from collections.abc import Iterator

from selang.checks import Context, Policy
from selang.core.diagnostics import Diagnostic, Severity
from selang.policies._text import origin
from selang.semantic.model import Selection


class TooManyRules(Policy):
    """The selection has more filter rules than the limit.

    ## What it does
    Counts the filter rules after every segment is expanded and reports the first rule beyond
    `max-rules` (50 unless configured).

    ## Why
    CXone caps the number of filter rules of a contact selection; a longer one is refused when
    applied. Segments make the count easy to miss, since one name can stand for many rules.

    ## Example
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where region_1 == "a" and region_2 == "b" and ... and region_51 == "z"
    }
    ```

    ## Use instead
    Combine conditions on one field into one rule (`state in ("CA", "NY")` rather than several
    rules), drop rules another one already implies (see SEL019), or raise `max-rules` in
    `[tool.selang]` when your CXone tenant accepts more.
    """

    code = "SEL012"
    name = "too-many-rules"
    severity = Severity.ERROR

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        limit = context.config.max_rules
        count = len(selection.rules)
        if count <= limit:
            return
        first_over = selection.rules[limit]
        yield self.diagnostic(
            f"{count} filter rules, more than the limit of {limit}",
            first_over.span,
            help=f"this is rule {limit + 1}{origin(first_over)}, counted after segments are "
            "expanded; merge rules on one field with `in (...)` or raise `max-rules`",
        )
