"""Strict checks of a PATCHed campaign document, the way a real backend refuses bad input.

Each failure is one `Invalid` whose message starts with the JSON path of the offending element,
e.g. `contactSelection.filterRules[2].value: ...`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from selang.core.values import Date, DateTime, classify_string

SELECTION_KEYS = ("targetListIds", "exclusionListIds", "filterRules", "priorityOrder")
RULE_KEYS = ("field", "operator", "value")
COMPARISONS = ("eq", "neq", "gt", "gte", "lt", "lte")
MEMBERSHIPS = ("in", "not_in")
TEXT_MATCHES = ("starts_with", "ends_with", "contains")
OPERATORS = (*COMPARISONS, *MEMBERSHIPS, "between", *TEXT_MATCHES, "is_null")
# Plain-text fields a campaign carries; a strict backend refuses the wrong type for them.
STRING_FIELDS = ("name", "status", "dialingMode")


class Invalid(ValueError):
    """The body is refused; `str(exc)` is the client-facing message."""


def check_campaign(body: Any, campaign_id: str) -> None:
    """A whole campaign document as a client PATCHes it (server-owned fields may be present)."""
    if not isinstance(body, dict):
        raise Invalid(f"body: expected a JSON object, got {_kind(body)}")
    if "id" in body and body["id"] != campaign_id:
        raise Invalid(f"id: `{body['id']}` does not match the campaign `{campaign_id}` in the URL")
    for name in STRING_FIELDS:
        if name in body and not (isinstance(body[name], str) and body[name]):
            raise Invalid(f"{name}: expected a non-empty string, got {_kind(body[name])}")
    if "skillId" in body and not _is_id(body["skillId"]):
        raise Invalid("skillId: expected a string or an integer")
    if "contactSelection" not in body:
        raise Invalid("contactSelection: required")
    check_selection(body["contactSelection"])


def check_selection(selection: Any, where: str = "contactSelection") -> None:
    if not isinstance(selection, dict):
        raise Invalid(f"{where}: expected an object, got {_kind(selection)}")
    for key in selection:
        if key not in SELECTION_KEYS:
            raise Invalid(f"{where}.{key}: unknown key; expected {', '.join(SELECTION_KEYS)}")
    for key in SELECTION_KEYS:
        if key not in selection:
            raise Invalid(f"{where}.{key}: required")
        if not isinstance(selection[key], list):
            raise Invalid(f"{where}.{key}: expected an array, got {_kind(selection[key])}")
    # An empty target list or a repeated id is legal on the wire (it dials nobody, or the
    # list once); refusing it is the client's policy, not the API's.
    targets = _list_ids(selection["targetListIds"], f"{where}.targetListIds")
    exclusions = _list_ids(selection["exclusionListIds"], f"{where}.exclusionListIds")
    for index, list_id in enumerate(exclusions):
        if list_id in targets:
            raise Invalid(
                f"{where}.exclusionListIds[{index}]: list `{list_id}` is also a target "
                f"(`{where}.targetListIds[{targets.index(list_id)}]`)"
            )
    for index, rule in enumerate(selection["filterRules"]):
        check_rule(rule, f"{where}.filterRules[{index}]")
    for index, tier in enumerate(selection["priorityOrder"]):
        if not (isinstance(tier, str) and tier):
            raise Invalid(f"{where}.priorityOrder[{index}]: expected a non-empty string")


def check_rule(rule: Any, where: str) -> None:
    if not isinstance(rule, dict):
        raise Invalid(f"{where}: expected an object, got {_kind(rule)}")
    for key in rule:
        if key not in RULE_KEYS:
            raise Invalid(f"{where}.{key}: unknown key; expected field, operator, value")
    for key in RULE_KEYS:
        if key not in rule:
            raise Invalid(f"{where}.{key}: required")
    field, operator, value = rule["field"], rule["operator"], rule["value"]
    if not (isinstance(field, str) and field.strip()):
        raise Invalid(f"{where}.field: expected a non-empty string")
    if not isinstance(operator, str) or operator not in OPERATORS:
        shown = operator if isinstance(operator, str) else _kind(operator)
        raise Invalid(f"{where}.operator: unknown operator `{shown}`")
    where = f"{where}.value"
    if operator in COMPARISONS:
        if not _is_scalar(value):
            raise Invalid(f"{where}: `{operator}` needs a scalar, got {_kind(value)}")
    elif operator in MEMBERSHIPS:
        if not isinstance(value, list) or not value:
            raise Invalid(f"{where}: `{operator}` needs a non-empty array of scalars")
        for index, item in enumerate(value):
            if not _is_scalar(item):
                raise Invalid(f"{where}[{index}]: expected a scalar, got {_kind(item)}")
    elif operator == "between":
        _check_between(value, where)
    elif operator in TEXT_MATCHES:
        if not isinstance(value, str):
            raise Invalid(f"{where}: `{operator}` needs a string, got {_kind(value)}")
    elif not isinstance(value, bool):
        raise Invalid(f"{where}: `is_null` needs true or false, got {_kind(value)}")


def _check_between(value: Any, where: str) -> None:
    if not isinstance(value, list) or len(value) != 2:
        raise Invalid(f"{where}: `between` needs [lo, hi]")
    lo, hi = value
    for index, item in enumerate(value):
        if not _is_scalar(item) or isinstance(item, bool):
            raise Invalid(f"{where}[{index}]: expected a number, string or date, got {_kind(item)}")
    lo_key, hi_key = _order_key(lo), _order_key(hi)
    if lo_key[0] != hi_key[0]:
        raise Invalid(f"{where}: bounds are of different kinds ({lo_key[0]} and {hi_key[0]})")
    if lo_key[1] > hi_key[1]:
        raise Invalid(f"{where}: lower bound {_show(lo)} is greater than upper bound {_show(hi)}")


def _order_key(value: str | int | Decimal | float) -> tuple[str, Any]:
    if isinstance(value, str):
        classified = classify_string(value)
        if isinstance(classified, Date):
            return "date", classified.value
        if isinstance(classified, DateTime):
            return "date-time", classified.value
        return "string", value
    return "number", Decimal(str(value)) if isinstance(value, float) else value


def _list_ids(items: list[Any], where: str) -> list[str]:
    seen: list[str] = []
    for index, item in enumerate(items):
        if not (isinstance(item, str) and item.strip()):
            raise Invalid(f"{where}[{index}]: expected a non-empty list id string")
        seen.append(item)
    return seen


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | Decimal) or (
        isinstance(value, float) and value == value and abs(value) != float("inf")
    )


def _is_id(value: Any) -> bool:
    return (isinstance(value, str) and bool(value)) or (
        isinstance(value, int) and not isinstance(value, bool)
    )


def _show(value: Any) -> str:
    return f"`{value}`"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "an unsupported value"
