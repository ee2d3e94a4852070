"""What would change: a readable diff of two `contactSelection`s, and saved plan files.

A plan pins the campaign's version and the SHA-256 of the base and desired selections, so
`apply --plan` can refuse when the campaign moved on after the plan was made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from selang.core import files, jsonio
from selang.semantic import ruletext
from selang.semantic.ruletext import json_name_text

PLAN_FORMAT = "selang-plan/1"
KEYS = ("targetListIds", "exclusionListIds", "filterRules", "priorityOrder")


def normalise(selection: Any) -> dict[str, Any]:
    """The four §2 keys in order, empty arrays for what is absent (a fresh campaign has none)."""
    src = selection if isinstance(selection, Mapping) else {}
    out: dict[str, Any] = {}
    for key in KEYS:
        value = src.get(key)
        out[key] = list(value) if isinstance(value, list | tuple) else []
    return out


def same(a: Any, b: Any) -> bool:
    return jsonio.sha256_of(normalise(a)) == jsonio.sha256_of(normalise(b))


def digest(selection: Any) -> str:
    return jsonio.sha256_of(normalise(selection))


@attrs.frozen
class RuleChange:
    field: str
    before: dict[str, Any]
    after: dict[str, Any]


@attrs.frozen
class Diff:
    targets_added: tuple[str, ...] = ()
    targets_removed: tuple[str, ...] = ()
    exclusions_added: tuple[str, ...] = ()
    exclusions_removed: tuple[str, ...] = ()
    rules_added: tuple[dict[str, Any], ...] = ()
    rules_removed: tuple[dict[str, Any], ...] = ()
    rules_changed: tuple[RuleChange, ...] = ()
    priority_before: tuple[str, ...] = ()
    priority_after: tuple[str, ...] = ()
    reordered: bool = False  # same members, different order (lists or rules)

    @property
    def priority_changed(self) -> bool:
        return self.priority_before != self.priority_after

    @property
    def empty(self) -> bool:
        return not (
            self.targets_added
            or self.targets_removed
            or self.exclusions_added
            or self.exclusions_removed
            or self.rules_added
            or self.rules_removed
            or self.rules_changed
            or self.priority_changed
            or self.reordered
        )


def diff(before: Any, after: Any) -> Diff:
    b, a = normalise(before), normalise(after)
    t_add, t_rm = _list_delta(b["targetListIds"], a["targetListIds"])
    x_add, x_rm = _list_delta(b["exclusionListIds"], a["exclusionListIds"])
    added, removed, changed = _rule_delta(b["filterRules"], a["filterRules"])
    d = Diff(
        targets_added=t_add,
        targets_removed=t_rm,
        exclusions_added=x_add,
        exclusions_removed=x_rm,
        rules_added=added,
        rules_removed=removed,
        rules_changed=changed,
        priority_before=tuple(str(p) for p in b["priorityOrder"]),
        priority_after=tuple(str(p) for p in a["priorityOrder"]),
    )
    if d.empty and not same(b, a):
        d = attrs.evolve(d, reordered=True)
    return d


def _list_delta(before: list[Any], after: list[Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    bs, as_ = [str(x) for x in before], [str(x) for x in after]
    return tuple(x for x in as_ if x not in bs), tuple(x for x in bs if x not in as_)


def _rule_key(rule: Any) -> str:
    return jsonio.dumps(rule, canonical=True)


def _rule_delta(
    before: list[Any], after: list[Any]
) -> tuple[tuple[Any, ...], tuple[Any, ...], tuple[RuleChange, ...]]:
    bkeys = {_rule_key(r) for r in before}
    akeys = {_rule_key(r) for r in after}
    gone = [r for r in before if _rule_key(r) not in akeys]
    new = [r for r in after if _rule_key(r) not in bkeys]
    changed: list[RuleChange] = []
    # a field with exactly one rule leaving and one arriving reads better as a change
    for field in dict.fromkeys(_field(r) for r in new):
        olds = [r for r in gone if _field(r) == field]
        news = [r for r in new if _field(r) == field]
        if len(olds) == 1 and len(news) == 1:
            changed.append(RuleChange(field, olds[0], news[0]))
            gone.remove(olds[0])
            new.remove(news[0])
    return tuple(new), tuple(gone), tuple(changed)


def _field(rule: Any) -> str:
    return str(rule.get("field")) if isinstance(rule, Mapping) else ""


def rule_text(rule: Any) -> str:
    """A rule as the CXone JSON holds it (`age gte 18`); whatever else stands in its place, as
    JSON."""
    if not isinstance(rule, Mapping):
        return jsonio.dumps(rule)
    return ruletext.rule_text(
        rule.get("field"), rule.get("operator"), rule.get("value"), as_json=True
    )


Action = Literal["add", "remove", "change"]
Kind = Literal["target", "exclusion", "rule", "priority", "order"]


@attrs.frozen
class Change:
    """One line of a plan: a list, rule or priority order added, removed or changed.

    `value` is what is added or removed (a list id or a §2 rule); a change has `before` and
    `after` (rules, or priority orders); `order` (same members, another order) has neither.
    """

    action: Action
    kind: Kind
    value: Any = None
    before: Any = None
    after: Any = None

    def text(self) -> str:
        """`+ target list_1`, `~ rule age gte 18  ->  age gte 21`, ..."""
        sign = {"add": "+", "remove": "-", "change": "~"}[self.action]
        if self.kind == "order":
            return f"{sign} order of lists or rules"
        if self.kind == "priority":
            before = ", ".join(map(json_name_text, self.before)) or "(none)"
            after = ", ".join(map(json_name_text, self.after)) or "(none)"
            return f"{sign} priority {before}  ->  {after}"
        word = "exclude" if self.kind == "exclusion" else self.kind
        if self.kind == "rule" and self.action == "change":
            return f"{sign} rule {rule_text(self.before)}  ->  {rule_text(self.after)}"
        shown = rule_text(self.value) if self.kind == "rule" else json_name_text(self.value)
        return f"{sign} {word} {shown}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action, "kind": self.kind}
        if self.action == "change":
            if self.kind != "order":
                out.update(before=self.before, after=self.after)
        else:
            out["value"] = self.value
        return out


def changes(d: Diff) -> list[Change]:
    """The plan's lines for one campaign, in the order they are shown; empty when none."""
    added_and_removed: tuple[tuple[Action, Kind, tuple[Any, ...]], ...] = (
        ("add", "target", d.targets_added),
        ("remove", "target", d.targets_removed),
        ("add", "exclusion", d.exclusions_added),
        ("remove", "exclusion", d.exclusions_removed),
        ("add", "rule", d.rules_added),
        ("remove", "rule", d.rules_removed),
    )
    out = [
        Change(action, kind, item) for action, kind, items in added_and_removed for item in items
    ]
    out.extend(Change("change", "rule", before=c.before, after=c.after) for c in d.rules_changed)
    if d.priority_changed:
        before, after = list(d.priority_before), list(d.priority_after)
        out.append(Change("change", "priority", before=before, after=after))
    if d.reordered:
        out.append(Change("change", "order"))
    return out


def render(d: Diff, indent: str = "  ") -> list[str]:
    """Lines like `+ target list_1`; empty when nothing changes."""
    return [f"{indent}{c.text()}" for c in changes(d)]


@attrs.frozen
class PlannedChange:
    """One campaign in a plan: the selection it had, the one we want, and where from."""

    campaign_id: str
    source: str
    base_version: int
    base: dict[str, Any]
    desired: dict[str, Any]
    compliant: bool = True

    @property
    def base_sha256(self) -> str:
        return digest(self.base)

    @property
    def desired_sha256(self) -> str:
        return digest(self.desired)

    @property
    def changes(self) -> bool:
        return not same(self.base, self.desired)

    def to_json(self) -> dict[str, Any]:
        return {
            "campaignId": self.campaign_id,
            "source": self.source,
            "baseVersion": self.base_version,
            "baseSha256": self.base_sha256,
            "desiredSha256": self.desired_sha256,
            "compliant": self.compliant,
            "base": normalise(self.base),
            "desired": normalise(self.desired),
        }


class PlanFileError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def document(changes: Sequence[PlannedChange], now: dt.datetime | None = None) -> dict[str, Any]:
    """A plan file's document: what `load` reads back (the application layer adds to each
    campaign what a reviewer reads: its changes and what they do to its contacts)."""
    return {
        "format": PLAN_FORMAT,
        "createdAt": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "campaigns": [c.to_json() for c in changes],
    }


def dumps(doc: Mapping[str, Any]) -> str:
    # indented for review in a pull request; decimals keep their digits
    return jsonio.dumps(doc, indent=2) + "\n"


def save(path: Path, doc: Mapping[str, Any]) -> None:
    """Write a plan document in one step: a reader never sees half a plan."""
    files.write_atomic(path, dumps(doc).encode("utf-8"))


def load(path: Path) -> list[PlannedChange]:
    try:
        doc = jsonio.loads(path.read_bytes())
    except OSError as exc:
        raise PlanFileError(f"cannot read plan `{path}`: {exc.strerror}") from None
    except jsonio.JsonError as exc:
        raise PlanFileError(f"plan `{path}` cannot be read: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != PLAN_FORMAT:
        raise PlanFileError(f"`{path}` is not a selang plan (expected format `{PLAN_FORMAT}`)")
    out: list[PlannedChange] = []
    try:
        for entry in doc["campaigns"]:
            change = PlannedChange(
                campaign_id=str(entry["campaignId"]),
                source=str(entry.get("source", "")),
                base_version=int(entry["baseVersion"]),
                base=normalise(entry["base"]),
                desired=normalise(entry["desired"]),
                compliant=bool(entry.get("compliant", True)),
            )
            if change.base_sha256 != entry["baseSha256"] or (
                change.desired_sha256 != entry["desiredSha256"]
            ):
                raise PlanFileError(
                    f"plan `{path}` was edited: hashes for `{change.campaign_id}` do not match"
                )
            out.append(change)
    except (KeyError, TypeError, ValueError):
        raise PlanFileError(f"plan `{path}` is missing fields or has the wrong shape") from None
    return out
