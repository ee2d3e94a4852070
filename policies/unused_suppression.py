"""SEL024: a suppression comment that silences nothing; reported by the policy engine."""

from selang.checks import Policy
from selang.core.diagnostics import Severity


class UnusedSuppression(Policy):
    """A `# selang: ignore[...]` comment names a code that nothing on its line reports.

    ## What it does
    Reports each code in a suppression comment that silenced no diagnostic in the run: the
    problem was fixed, the code is misspelt, the comment is on the wrong line, or configuration
    ignores the code anyway. A suppression covers its own line and, written alone on a line, the
    line below. Suppressions in a library are only reported when the library itself is checked,
    and count as used when any campaign checked in the same run needed them.

    ## Why
    Stale suppressions hide the next real problem on that line.

    ## Example
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      # selang: ignore[SEL016]
      priority high_value, default
    }
    ```

    ## Use instead
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      priority high_value, default
    }
    ```
    """

    code = "SEL024"
    name = "unused-suppression"
    severity = Severity.WARNING
