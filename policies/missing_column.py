"""SEL032: a rule's field with no column in the contact data; reported by `selang preview`."""

from selang.checks import Policy
from selang.core.diagnostics import Severity


class MissingColumn(Policy):
    """A filter rule names a field that the contact data has no column for.

    ## What it does
    Before `selang preview` scans a contacts source, it checks that every rule's field is a
    column of the source, and names the columns there are and the closest one. The preview
    of that campaign does not run, and `preview` exits 2.

    ## Why
    The SQL could not run, and a near miss (`Status` for `status`, `last_call` for
    `last_call_date`) is far easier to fix from a list of the columns than from an engine's
    error.

    ## Example
    With columns `list_id`, `contact_id`, `status`, `age`:
    ```
    campaign "campaign_xyz789" {
      target spring_leads
      where state == "active"
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

    code = "SEL032"
    name = "missing-column"
    severity = Severity.ERROR
