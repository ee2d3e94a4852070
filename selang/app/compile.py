"""`compile`, and the rule that decides whether a checked selection may leave selang at all:
compiled to a target, or sent to CXone by `plan` and `apply` (`selang.app.remote`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs

from selang.app.loader import LoadResult, load_selection
from selang.core.diagnostics import Diagnostic, has_errors

Refusal = Literal["unreadable", "incomplete", "errors", "empty"]


def refusal(result: LoadResult) -> Refusal | None:
    """Why `result`'s selection must not be compiled or sent, or None when it may be.

    `incomplete`: configuration ignored or downgraded reading errors, so `check` may pass, but
    what they point at is missing from the selection; sending it would dial people the file
    did not mean to. `empty`: the file has no selection (a library of definitions).
    """
    if result.unreadable:
        return "unreadable"
    if result.overridden:
        return "incomplete"
    if has_errors(result.diagnostics):
        return "errors"
    if result.selection is None:
        return "empty"
    return None


@attrs.frozen
class Compiled:
    loaded: LoadResult
    refusal: Refusal | None
    # The target's text; None when refused.
    output: str | None

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return self.loaded.diagnostics


def compile_file(
    path: str, target: str = "cxone", given: Mapping[str, bytes] | None = None
) -> Compiled:
    """Check one file and render its selection for `target`, unless `refusal` says no;
    `given` holds files by their bytes instead of on disk (standard input under its name).
    Raises `selang.checks.config.ConfigError` on invalid settings."""
    loaded = load_selection(path, given=given)
    why = refusal(loaded)
    if why is not None or loaded.selection is None:
        return Compiled(loaded, why, None)
    from selang import targets

    return Compiled(loaded, None, targets.get(target).render(loaded.selection))
