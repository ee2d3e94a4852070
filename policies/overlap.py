"""SEL011: a list that is both a target and an exclusion."""

from collections.abc import Iterator

from selang.checks import Context, Policy
from selang.core.diagnostics import Diagnostic, Related, Severity
from selang.semantic.model import ListRef, Selection


class TargetExclusionOverlap(Policy):
    """A contact list is both targeted and excluded.

    ## What it does
    Reports a list id that appears in `target` and in `exclude`, after list names and imports
    are resolved: `spring_leads` and `"list_123abc"` are the same list when
    `list spring_leads = "list_123abc"`.

    ## Why
    Exclusion wins, so every contact of the list is left out and the target does nothing. Either
    the target is a mistake, or the exclusion list was meant to be another one (often a
    do-not-call list): both deserve a look.

    ## Example
    ```
    list spring_leads = "list_123abc"

    campaign "campaign_xyz789" {
      target spring_leads
      exclude "list_123abc"
    }
    ```

    ## Use instead
    ```
    list spring_leads = "list_123abc"

    campaign "campaign_xyz789" {
      target spring_leads
      exclude "list_dnc_001"
    }
    ```
    """

    code = "SEL011"
    name = "target-exclusion-overlap"
    severity = Severity.ERROR

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        targets: dict[str, ListRef] = {}
        for ref in selection.targets:
            targets.setdefault(ref.id, ref)
        reported: set[str] = set()
        for ref in selection.exclusions:
            target = targets.get(ref.id)
            if target is None or ref.id in reported:
                continue
            reported.add(ref.id)
            yield self.diagnostic(
                f"list `{ref.id}` is both a target and an exclusion",
                ref.span,
                help="an excluded contact is never called, so the target has no effect; "
                "remove the list from one of them",
                related=(Related(target.span, f"targeted here{_as(target)}"),),
            )


def _as(ref: ListRef) -> str:
    return f" as `{ref.name}`" if ref.name else ""
