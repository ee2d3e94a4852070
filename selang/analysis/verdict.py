"""What `analyse` answers: a witness contact, or a minimal set of rules that cannot all hold."""

from __future__ import annotations

import functools
from collections.abc import Callable

import attrs

from selang.core.values import Scalar

from .normalize import RuleLike

Example = dict[str, Scalar | None]


@attrs.frozen(eq=False)
class Satisfiable:
    """Some contact passes every rule; `example` is one (field → value, None = null).

    `ignored` lists the rules left out because their value shape is invalid. The example may
    be given as a function that finds it: most callers only ask whether the rules can hold, so
    the witness is then only built when `example` is first read.
    """

    _found: Example | Callable[[], Example] = attrs.field(alias="example", repr=False)
    ignored: tuple[RuleLike, ...] = ()

    @functools.cached_property
    def example(self) -> Example:
        found = self._found
        return found() if callable(found) else found

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Satisfiable):
            return NotImplemented
        return (self.example, self.ignored) == (other.example, other.ignored)

    def __hash__(self) -> int:
        return hash(self.ignored)

    def __repr__(self) -> str:
        return f"Satisfiable(example={self.example!r}, ignored={self.ignored!r})"


@attrs.frozen
class Contradiction:
    """No contact passes every rule.

    `core` is a minimal conflicting subset in input order (dropping any one of them leaves a
    satisfiable set), all on `field`; `reason` is one lowercase line for a diagnostic.
    """

    core: tuple[RuleLike, ...]
    reason: str
    field: str
    ignored: tuple[RuleLike, ...] = ()


Verdict = Satisfiable | Contradiction
