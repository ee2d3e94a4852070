"""Policies on a change of selection (CONTRACT §7): what `diff` and `plan` flag as a risk.

A change policy is an ordinary policy (code, name, severity, documentation, registered in the
same entry-point group) that also has `check_change(change, context)`. Its `check` of a single
selection finds nothing, so `selang check` never reports it; `run` applies the configuration
(`select`/`ignore`, `severity`) exactly as the engine does for the other policies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import attrs

from selang.analysis import Comparison
from selang.checks import Context
from selang.checks.config import Config
from selang.checks.registry import exception_text, registry
from selang.core.diagnostics import Diagnostic
from selang.semantic.model import Selection


@attrs.frozen
class Change:
    """One campaign going from `old` to `new`; `old_config` is the configuration the old
    version was checked with, when it is known (a git revision's), else None."""

    old: Selection
    new: Selection
    comparison: Comparison
    old_config: Config | None = None


def run(change: Change, path: str, config: Config) -> tuple[Diagnostic, ...]:
    """Every enabled change policy's findings, severities as configured."""
    context = Context(path, config)
    found: list[Diagnostic] = []
    for entry in registry().policies:
        check_change = getattr(entry.policy, "check_change", None)
        if check_change is None or not config.enabled(entry.code):
            continue
        found.extend(_run_one(entry.code, check_change, change, context))
    return tuple(
        d
        if config.severity_of(d.code, d.severity) is d.severity
        else attrs.evolve(d, severity=config.severity_of(d.code, d.severity))
        for d in found
        if config.enabled(d.code)
    )


def _run_one(
    code: str,
    check_change: Callable[[Change, Context], Iterable[Diagnostic]],
    change: Change,
    context: Context,
) -> Iterable[Diagnostic]:
    try:
        result = list(check_change(change, context))
    except Exception as exc:  # a failing policy must not stop the others
        raise_text = exception_text(exc)
        return [_failed(code, f"its change check raised: {raise_text}", change)]
    if not all(isinstance(d, Diagnostic) for d in result):
        return [_failed(code, "its change check returned something other than diagnostics", change)]
    return result


def _failed(code: str, reason: str, change: Change) -> Diagnostic:
    from selang.checks.engine import PLUGIN_FAILED
    from selang.core.diagnostics import Severity

    return Diagnostic(
        PLUGIN_FAILED,
        Severity.ERROR,
        f"policy plugin `{code}` failed, so its change checks did not run",
        change.new.span,
        help=reason,
    )
