"""SEL018: the same list id given twice in `target` or twice in `exclude`."""

from collections.abc import Iterator

from selang.checks import Context, Policy
from selang.core.diagnostics import Diagnostic, Related, Severity
from selang.semantic.model import ListRef, Selection


class DuplicateListId(Policy):
    """The same contact list is given twice in one clause.

    ## What it does
    Reports a list id that appears twice in `target` or twice in `exclude`, once names are
    resolved: by name and by id, or by two names defined with the same id.

    ## Why
    The payload lists each id once, so the repetition has no effect; but two names for one id
    often mean one of them was defined with the wrong id, and a list that was meant to be
    excluded is then not.

    ## Example
    ```
    list dnc_master = "list_dnc_001"
    list dnc_state  = "list_dnc_001"

    campaign "campaign_xyz789" {
      target spring_leads
      exclude dnc_master, dnc_state
    }
    ```

    ## Use instead
    ```
    list dnc_master = "list_dnc_001"
    list dnc_state  = "list_dnc_002"

    campaign "campaign_xyz789" {
      target spring_leads
      exclude dnc_master, dnc_state
    }
    ```
    """

    code = "SEL018"
    name = "duplicate-list-id"
    severity = Severity.WARNING

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        yield from self._clause(selection.targets, "target")
        yield from self._clause(selection.exclusions, "exclude")

    def _clause(self, refs: tuple[ListRef, ...], clause: str) -> Iterator[Diagnostic]:
        first: dict[str, ListRef] = {}
        for ref in refs:
            earlier = first.setdefault(ref.id, ref)
            if earlier is ref:
                continue
            yield self.diagnostic(
                f"list `{ref.id}` is given twice in `{clause}`{_names(earlier, ref)}",
                ref.span,
                help="remove the repetition, or check that each list name has the right id",
                related=(Related(earlier.span, "first given here"),),
            )


def _names(a: ListRef, b: ListRef) -> str:
    shown = [f"`{r.name}`" if r.name else "its id" for r in (a, b)]
    return "" if shown[0] == shown[1] else f" (as {shown[0]} and {shown[1]})"
