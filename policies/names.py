"""SEL002: unresolved imports and names, import cycles, duplicates; reported while resolving."""

from selang.checks import Policy
from selang.core.diagnostics import Severity


class UnresolvedName(Policy):
    """An import, list name or segment name cannot be resolved.

    ## What it does
    Reports an import of a missing file, an import that leaves the project or names no `.sel`
    file, an import cycle, a library that defines a campaign, a list or segment name that is not
    defined (with the closest known name), a name defined twice, a clause given twice in one
    campaign, and an empty campaign or list id (`campaign ""`, `target ""`, `list x = ""`), which
    names nothing and which CXone refuses. This check is made while resolving the file.

    An import names a `.sel` file inside the importing file's project: the nearest folder at or
    above it that holds a `selang.toml`, a `pyproject.toml` or a `.git`, and the folders below
    it (with none of them above, the file's own folder). A path above the project, an absolute
    path outside it, a symbolic link that leads out of it, a file that is not `.sel`, a device
    or system file (`/dev/zero`, `/proc/self/environ`) and a folder are refused without being
    opened; nothing of such a file is ever shown.

    ## Why
    An unresolved name leaves a hole in the selection: a missing exclusion list would let the
    campaign call contacts it must not. An import that could read any file would print it, in
    part, as the excerpt of a syntax error: a `.sel` file under review could show the reviewer's
    or the CI runner's secrets.

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
