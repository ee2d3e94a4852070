"""SEL002: unresolved imports and names, import cycles, duplicates; reported while resolving."""

from selang.checks import Policy
from selang.core.diagnostics import Severity


class UnresolvedName(Policy):
    """An import, list name or segment name cannot be resolved.

    ## What it does
    Reports an import of a missing file, an import cycle, a library that defines a campaign, a
    list or segment name that is not defined (with the closest known name), a name defined twice,
    a clause given twice in one campaign, and an empty campaign or list id (`campaign ""`,
    `target ""`, `list x = ""`), which names nothing and which CXone refuses. This check is
    made while resolving the file.

    ## Why
    An unresolved name leaves a hole in the selection: a missing exclusion list would let the
    campaign call contacts it must not.

    ## Example
    ```
    import "lists.sel"

    campaign "campaign_xyz789" {
      target spring_leads
      exclude dnc_mastr
    }
    ```

    ## Use instead
    ```
    import "lists.sel"

    campaign "campaign_xyz789" {
      target spring_leads
      exclude dnc_master
    }
    ```
    """

    code = "SEL002"
    name = "unresolved-name"
    severity = Severity.ERROR
