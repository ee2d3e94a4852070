"""SEL090: a selection that `.sel` cannot express; reported by `selang decompile` and `import`."""

from selang.checks import Policy
from selang.core.diagnostics import Severity


class NotDecompilable(Policy):
    """A CXone selection holds something that cannot be written as `.sel` source.

    ## What it does
    Reported by `selang decompile` and `selang import` when the JSON has no campaign id, an
    operator the language does not know, or a field name or string that no `.sel` spelling
    can carry (a back quote or a line break in a field name). Nothing is printed for that file,
    so no `.sel` source that means something else is ever written.

    ## Why
    A decompiled file must compile back to exactly the selection it came from; a lossy
    translation would silently change whom the campaign dials on the next `apply`.

    ## Example
    ```
    {"campaignId": "c1", "contactSelection": {"targetListIds": ["l"],
     "filterRules": [{"field": "Last`Call", "operator": "eq", "value": 1}]}}
    ```

    ## Use instead
    Rename the field in CXone (back-quoted names hold any character but a back quote and a line
    break), or decompile a whole campaign document so the campaign id is known.
    """

    code = "SEL090"
    name = "not-decompilable"
    severity = Severity.ERROR
