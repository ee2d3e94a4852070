"""SEL041: a list dropped from the `required-exclusions` setting since the compared revision."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from selang.checks import Context, Policy
from selang.core.diagnostics import Diagnostic, Severity, Span
from selang.semantic.model import Selection

if TYPE_CHECKING:  # a plain `check` never loads the change machinery
    from selang.checks.changes import Change


class RequiredExclusionDropped(Policy):
    """The configuration no longer requires an exclusion list it required before.

    ## What it does
    When `selang diff --git REV` compares a campaign with its version at REV, reports each list
    id that `required-exclusions` (in `[tool.selang]` or `selang.toml`) named for that campaign
    at REV and no longer names. Without a known earlier configuration (`plan`, or `diff OLD NEW`)
    there is nothing to compare, and nothing is reported.

    ## Why
    `required-exclusions` is what makes SEL021 fail a campaign that forgets a do-not-call list.
    Taking a list out of it silently switches that protection off for every campaign at once,
    in a file reviewers rarely read.

    ## Example
    At REV, `pyproject.toml` has:
    ```
    [tool.selang]
    required-exclusions = ["list_dnc_001", "list_litigators_007"]
    ```
    and now:
    ```
    [tool.selang]
    required-exclusions = ["list_dnc_001"]
    ```

    ## Use instead
    Keep the list required; if it is retired, replace it with its successor in the same change.
    """

    code = "SEL041"
    name = "required-exclusion-dropped"
    severity = Severity.WARNING

    def check(self, selection: Selection, context: Context) -> Iterator[Diagnostic]:
        return iter(())

    def check_change(self, change: Change, context: Context) -> Iterator[Diagnostic]:
        before = change.old_config
        if before is None:
            return
        now = set(context.config.required_exclusions)
        source = context.config.source
        span = Span.point(source) if source else change.new.span
        for list_id in before.required_exclusions:
            if list_id in now:
                continue
            yield self.diagnostic(
                f"`required-exclusions` no longer requires `{list_id}`",
                span,
                help="it was required at the compared revision; campaigns may now stop "
                "excluding it without failing SEL021",
            )
