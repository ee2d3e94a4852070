"""SEL091: `selang fmt` refused to rewrite a file; reported by the formatter."""

from selang.checks import Policy
from selang.core.diagnostics import Severity


class FormatFailed(Policy):
    """`selang fmt` could not lay a file out without changing its meaning or its comments.

    ## What it does
    The formatter parses what it wrote and compares it with the original: the same program, the
    same comments, the same lines silenced by each `# selang: ignore[...]`. When any of these
    would change, the file is left exactly as it was and this error names the reason.

    ## Why
    A formatter must never change behaviour. A suppression comment in particular covers its own
    line (and the next line when it stands alone), so moving it could silence a different check.

    ## Example
    ```
    where age >= 18 and  # selang: ignore[SEL019]
      age >= 21
    ```
    where joining the conditions onto one line would make the suppression cover both.

    ## Use instead
    Put each suppression after or above the one condition, item or clause it is for, then format
    again. If the message says the meaning would change, report it with the file attached.
    """

    code = "SEL091"
    name = "format-failed"
    severity = Severity.ERROR
