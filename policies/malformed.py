"""SEL015: malformed filter rules, reported by the `.sel` resolver and the JSON reader."""

from selang.checks import Policy
from selang.core.diagnostics import Severity


class MalformedRule(Policy):
    """A filter rule is missing its field, operator or value, or its value has the wrong shape.

    ## What it does
    Reports a rule with no field, an unknown operator, a value of the wrong shape (`in` without
    values, `between` with one bound or with its low bound above its high bound, a text match
    on a number, an order on `true`/`false`), and unknown keys in a JSON selection. The check is
    made while reading the file (`selang.semantic.rules.check_rule`), so it covers `.sel` and
    `.json` alike.

    ## Why
    CXone rejects such a rule, or worse reads it differently from what was meant. The malformed
    rule is left out of the selection, so ignoring this code through configuration does not make
    it compile: `selang compile` and `selang apply` still refuse.

    ## Example
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where age between 65 and 18
    }
    ```

    ## Use instead
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where age between 18 and 65
    }
    ```
    """

    code = "SEL015"
    name = "malformed-rule"
    severity = Severity.ERROR
