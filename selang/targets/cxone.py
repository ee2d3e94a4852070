"""The CXone `contactSelection` JSON of CONTRACT §2: emit it exactly, and read it back.

Reading accepts a bare `contactSelection` object or a whole campaign document; malformed rules
become SEL015 diagnostics pointing at the offending element in the JSON text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from selang.core import jsonio
from selang.core.diagnostics import Diagnostic, Span, error
from selang.core.values import Scalar, classify_string
from selang.semantic.model import OPERATORS, ListRef, Rule, RuleValue, Selection, Tier
from selang.semantic.rules import check_rule
from selang.syntax.jsonpos import JsonPath, locate, offset_span

NAME = "cxone"
KEYS = ("targetListIds", "exclusionListIds", "filterRules", "priorityOrder")
MALFORMED = "SEL015"


# --- emit ---------------------------------------------------------------------------------------


def emit(selection: Selection) -> dict[str, Any]:
    """The §2 object: four keys in order, list ids de-duplicated in source order."""
    return {
        "targetListIds": _unique(r.id for r in selection.targets),
        "exclusionListIds": _unique(r.id for r in selection.exclusions),
        "filterRules": [
            {"field": r.field, "operator": r.operator, "value": _value(r.value)}
            for r in selection.rules
        ],
        "priorityOrder": [t.name for t in selection.priority],
    }


def render(selection: Selection) -> str:
    return dumps(emit(selection))


def _unique(ids: Any) -> list[str]:
    return list(dict.fromkeys(ids))


def _value(value: RuleValue) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


def dumps(payload: Any) -> str:
    """The §2 file text: JSON indented by two spaces, decimals as written, and a newline."""
    return jsonio.dumps(payload, indent=2) + "\n"


# --- read ---------------------------------------------------------------------------------------


def read_text(text: str, path: str) -> tuple[Selection | None, list[Diagnostic]]:
    """Parse JSON text (a selection or a campaign document) into a Selection."""
    try:
        obj = jsonio.loads(text)
    except jsonio.JsonError as exc:
        span = Span.point(path) if exc.pos is None else offset_span(text, exc.pos, path)
        return None, [error("SEL001", exc.reason, span)]
    at = _lone_surrogate(obj)
    if at is not None:
        # `"\ud800"` decodes, but names no character: nothing could print or send it.
        help = "write the character itself or a valid `\\uXXXX\\uXXXX` pair"
        span = locate(text, at, path)
        return None, [error("SEL001", "string has an unpaired surrogate escape", span, help)]
    return read_payload(obj, path, text)


def read_payload(
    obj: Any, path: str, text: str | None = None
) -> tuple[Selection | None, list[Diagnostic]]:
    """Read a decoded document; `text`, when given, lets diagnostics point into it."""
    reader = _Reader(path, text)
    return reader.document(obj), reader.diagnostics


def _lone_surrogate(obj: Any) -> JsonPath | None:
    """Where the first string (a value or a key) holding a lone surrogate is, if any."""
    stack: list[tuple[JsonPath, Any]] = [((), obj)]
    while stack:
        at, item = stack.pop()
        if isinstance(item, str):
            if not _encodable(item):
                return at
        elif isinstance(item, dict):
            for key, value in reversed(item.items()):
                if not _encodable(key):
                    return (*at, key)
                stack.append(((*at, key), value))
        elif isinstance(item, list):
            stack.extend(((*at, i), v) for i, v in reversed(list(enumerate(item))))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Reader:
    def __init__(self, path: str, text: str | None) -> None:
        self.path = path
        self.text = text
        self.prefix: JsonPath = ()
        self.diagnostics: list[Diagnostic] = []

    def span(self, at: JsonPath) -> Span:
        if self.text is None:
            return Span.point(self.path)
        return locate(self.text, self.prefix + at, self.path)

    def problem(self, at: JsonPath, message: str, help: str | None = None) -> None:
        self.diagnostics.append(error(MALFORMED, message, self.span(at), help))

    def document(self, obj: Any) -> Selection | None:
        campaign_id = None
        if isinstance(obj, dict) and "contactSelection" in obj:
            raw_id = obj.get("id")
            campaign_id = raw_id if isinstance(raw_id, str) and raw_id else None
            if raw_id == "":  # names no campaign; CXone refuses it
                self.problem(("id",), "`id` must be a non-empty string campaign id")
            self.prefix = ("contactSelection",)
            obj = obj["contactSelection"]
        if not isinstance(obj, dict):
            self.problem((), "expected a `contactSelection` object or a campaign document")
            return None
        for key in obj:
            if key not in KEYS:
                known = ", ".join(f"`{k}`" for k in KEYS)
                self.problem((key,), f"unknown key `{key}` in the selection", f"known: {known}")
        return Selection(
            campaign_id,
            self.lists(obj, "targetListIds"),
            self.lists(obj, "exclusionListIds"),
            self.rules(obj),
            tuple(Tier(n, s) for n, s in self.strings(obj, "priorityOrder", "tier name")),
            self.span(()),
        )

    def strings(self, obj: dict[str, Any], key: str, what: str) -> list[tuple[str, Span]]:
        items = obj.get(key, [])
        if not isinstance(items, list):
            self.problem((key,), f"`{key}` must be an array of {what}s")
            return []
        out = []
        for i, item in enumerate(items):
            if isinstance(item, str) and item:
                out.append((item, self.span((key, i)) if self.text else Span.point(self.path)))
            else:
                self.problem((key, i), f"`{key}[{i}]` must be a non-empty string {what}")
        return out

    def lists(self, obj: dict[str, Any], key: str) -> tuple[ListRef, ...]:
        return tuple(ListRef(i, s) for i, s in self.strings(obj, key, "list id"))

    def rules(self, obj: dict[str, Any]) -> tuple[Rule, ...]:
        raw = obj.get("filterRules", [])
        if not isinstance(raw, list):
            self.problem(("filterRules",), "`filterRules` must be an array of rule objects")
            return ()
        out: list[Rule] = []
        for i, item in enumerate(raw):
            at: JsonPath = ("filterRules", i)
            if not isinstance(item, dict):
                self.problem(
                    at, f"`filterRules[{i}]` must be an object with `field`, `operator` and `value`"
                )
                continue
            missing = [k for k in ("field", "operator", "value") if k not in item]
            extra = [k for k in item if k not in ("field", "operator", "value")]
            if missing:
                self.problem(at, f"`filterRules[{i}]` has no {_words(missing)}")
                continue
            if extra:
                self.problem(
                    (*at, extra[0]),
                    f"`filterRules[{i}]` has an unknown key `{extra[0]}`",
                    "a rule has exactly `field`, `operator`, `value`",
                )
                continue
            value = _to_value(item["value"], item["operator"])
            problem = check_rule(item["field"], item["operator"], value)
            if problem is None and value is _BAD:
                problem = f"`filterRules[{i}].value` is not a scalar or an array of scalars"
            if problem:
                self.problem((*at, _culprit(item["field"], item["operator"])), problem)
                continue
            span = self.span(at) if self.text else Span.point(self.path)
            out.append(Rule(item["field"], item["operator"], value, span))  # type: ignore[arg-type]
        return tuple(out)


class _Bad:
    """A JSON value no rule can hold (an object, null, nested arrays)."""


_BAD: Any = _Bad()


def _to_value(raw: Any, operator: Any) -> RuleValue | _Bad:
    # Text operators match the characters as written, so their value is never read as a date.
    classify = operator not in ("starts_with", "ends_with", "contains")
    if isinstance(raw, list):
        items = [_scalar(v, classify) for v in raw]
        return _BAD if any(v is _BAD for v in items) else tuple(items)  # type: ignore[arg-type]
    return _scalar(raw, classify)


def _scalar(raw: Any, classify: bool) -> Scalar | _Bad:
    if isinstance(raw, str):
        return classify_string(raw) if classify else raw
    if isinstance(raw, bool | int) or (isinstance(raw, Decimal) and raw.is_finite()):
        return raw
    return _BAD


def _culprit(field: Any, operator: Any) -> str:
    """Which key of a malformed rule to point at."""
    if not isinstance(field, str) or not field:
        return "field"
    return "value" if operator in OPERATORS else "operator"


def _words(keys: list[str]) -> str:
    quoted = [f"`{k}`" for k in keys]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
