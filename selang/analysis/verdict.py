"""What `analyse` answers: a witness contact, or a minimal set of rules that cannot all hold."""

from __future__ import annotations

import attrs

from selang.values import Scalar

from .normalize import RuleLike


@attrs.frozen
class Satisfiable:
    """Some contact passes every rule; `example` is one (field → value, None = null).

    `ignored` lists the rules left out because their value shape is invalid.
    """

    example: dict[str, Scalar | None] = attrs.field(hash=False)
    ignored: tuple[RuleLike, ...] = ()


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
