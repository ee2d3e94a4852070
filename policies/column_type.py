"""SEL031: a rule's value of another kind than its column's data; reported by `selang preview`."""

from selang.checks import Policy
from selang.core.diagnostics import Severity


class ColumnTypeMismatch(Policy):
    """A filter rule compares a column with a value of another type than the data holds.

    ## What it does
    Before `selang preview` scans a contacts source, it reads the source's schema and reports a
    rule whose value is of another kind than its column (`age >= "18"` on a numeric column, a
    date compared with a timestamp column) and a text match on a column that is not text. A
    field declared in `[tool.selang.fields]` is read as its declared type, so the declaration
    decides (and SEL023 checks the rule against it). The preview still runs.

    ## Why
    Values of different kinds never compare: on this data such a rule removes every contact
    (or, with `!=` and `not in`, none), whatever was meant. `selang fields infer` writes the
    data's types into `[tool.selang.fields]`, so `selang check` finds these without the data.

    ## Example
    With a `last_call` column of timestamps:
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where last_call < 2024-01-01
    }
    ```

    ## Use instead
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where last_call < 2024-01-01T00:00:00Z
    }
    ```
    """

    code = "SEL031"
    name = "column-type-mismatch"
    severity = Severity.WARNING
