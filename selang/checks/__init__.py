"""The policy interface: what a built-in or third-party check looks like to the engine.

A policy is a class registered in the `selang.policies` entry-point group. Discovery lives in
`selang.checks.registry`, running and filtering in `selang.checks.engine`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

import attrs

from selang.checks.config import DEFAULT, Config
from selang.core.diagnostics import Diagnostic, Related, Severity, Span
from selang.semantic.model import Selection

ENTRY_POINT_GROUP = "selang.policies"

T = TypeVar("T")


@attrs.frozen
class Context:
    """What a check may know besides the selection: the checked file and its settings.

    `memo` is shared by all policies run on one selection, so expensive answers (the analysis'
    verdict) are computed once.
    """

    path: str
    config: Config = DEFAULT
    memo: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def options(self, policy: str) -> dict[str, Any]:
        """The policy's own table, `[tool.selang.options.<policy name>]`."""
        return dict(self.config.options.get(policy, {}))


class Policy:
    """Base class of every check.

    Subclasses set `code`, `name` (kebab-case) and `severity`, write their documentation as the
    class docstring (a one-line summary, then `## What it does`, `## Why`, `## Example`,
    `## Use instead`) or as a `docs` string, and implement `check`. A check never raises and
    never prints; it returns diagnostics made with `self.diagnostic`.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    docs: ClassVar[str | None] = None

    def check(self, selection: Selection, context: Context) -> Iterable[Diagnostic]:
        return ()

    def diagnostic(
        self,
        message: str,
        span: Span,
        *,
        help: str | None = None,
        related: tuple[Related, ...] = (),
    ) -> Diagnostic:
        """A diagnostic with this policy's code and default severity (the engine applies
        any configured override)."""
        return Diagnostic(self.code, self.severity, message, span, help, related)


def documentation(policy: type[Any] | object) -> str:
    """The policy's full documentation text: its `docs`, else its docstring."""
    cls = policy if isinstance(policy, type) else type(policy)
    # Only the class's own docstring: an undocumented subclass must not show `Policy`'s.
    docs = getattr(cls, "docs", None) or cls.__dict__.get("__doc__") or ""
    return inspect.cleandoc(docs)


def summary(policy: type[Any] | object) -> str:
    """The first paragraph of the documentation, on one line."""
    first = documentation(policy).split("\n\n", 1)[0]
    return " ".join(first.split())
