"""SEL001: syntax errors, reported by the parser; documented here."""

from selang.checks import Policy
from selang.core.diagnostics import Severity


class InvalidSyntax(Policy):
    """The file is not valid `.sel` source or valid JSON.

    ## What it does
    Reports text the parser cannot read: a misspelt keyword, a missing value, an unterminated
    string, `or` between conditions, an impossible date, bytes that are not UTF-8, JSON that does
    not parse, a file over 64 MiB. Also what no reader should guess at: a number of more than
    4,300 digits (written out in plain notation, so `1e5000` counts 5,001), and in JSON `NaN`,
    `Infinity`, a key given twice in one object, or arrays and objects nested more than 100
    deep. This check is made while reading the file, before any other.

    ## Why
    Nothing else can be checked, and nothing can be compiled, until the file reads.

    ## Example
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where status == "active" or status == "new"
    }
    ```

    ## Use instead
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where status in ("active", "new")
    }
    ```
    """

    code = "SEL001"
    name = "syntax-error"
    severity = Severity.ERROR
