"""JSON → `.sel`: the source compiles back to the same JSON, and what cannot be written is said."""

from __future__ import annotations

import json
from decimal import Decimal
from textwrap import dedent

import pytest

from selang.format.decompile import UNWRITABLE, DecompileError, to_source
from selang.format.fmt import format_source
from selang.semantic.resolve import resolve
from selang.targets.cxone import dumps, read_payload, render


def decompiled(payload: object, default_id: str | None = "c") -> str:
    selection, diagnostics = read_payload(payload, "in.json")
    assert diagnostics == [] and selection is not None
    return to_source(selection, default_id=default_id)


def compiled(source: str) -> str:
    program = resolve("out.sel", source)
    assert program.diagnostics == () and program.selection is not None
    return render(program.selection)


CONTRACT = {
    "targetListIds": ["list_123abc", "list_456def"],
    "exclusionListIds": ["list_dnc_001", "list_789ghi"],
    "filterRules": [
        {"field": "status", "operator": "eq", "value": "active"},
        {"field": "age", "operator": "between", "value": [18, 65]},
    ],
    "priorityOrder": ["high_value", "recent_engagement", "default"],
}


def test_contract_selection() -> None:
    """CONTRACT §2's selection decompiles to readable source that compiles back to it."""
    source = decompiled(CONTRACT, "campaign_xyz789")
    assert source == dedent("""\
        campaign "campaign_xyz789" {
          target "list_123abc", "list_456def"
          exclude "list_dnc_001", "list_789ghi"

          where status == "active"
            and age between 18 and 65

          priority high_value, recent_engagement, default
        }
        """)
    assert compiled(source) == dumps(CONTRACT)


def test_output_is_canonical() -> None:
    """Decompiled source is already what `fmt` would write."""
    source = decompiled(CONTRACT)
    assert format_source(source, "x.sel") == (source, [])


def test_campaign_document_gives_its_id() -> None:
    """A whole campaign document names the campaign by its own id, not the fallback."""
    source = decompiled({"id": "camp_1", "version": 3, "contactSelection": CONTRACT}, "file")
    assert source.startswith('campaign "camp_1" {')


def test_no_id_and_no_fallback_is_an_error() -> None:
    """Without a campaign id from anywhere the decompiler refuses rather than invent one."""
    selection, _ = read_payload(CONTRACT, "in.json")
    assert selection is not None
    with pytest.raises(DecompileError) as caught:
        to_source(selection)
    assert caught.value.diagnostic.code == UNWRITABLE


RULES = """[
  {"field": "a", "operator": "eq", "value": "x"},
  {"field": "b", "operator": "neq", "value": -3},
  {"field": "c", "operator": "gt", "value": 2.50},
  {"field": "d", "operator": "gte", "value": "2023-01-01"},
  {"field": "e", "operator": "lt", "value": "2023-01-01T08:30:00Z"},
  {"field": "f", "operator": "lte", "value": 0.0},
  {"field": "g", "operator": "in", "value": ["a", 1, true, "2023-01-01"]},
  {"field": "h", "operator": "not_in", "value": [1.5]},
  {"field": "i", "operator": "between", "value": ["2023-01-01", "2023-12-31"]},
  {"field": "j", "operator": "starts_with", "value": "2023-01-01"},
  {"field": "k", "operator": "ends_with", "value": "\\u00e9\\n\\""},
  {"field": "l", "operator": "contains", "value": ""},
  {"field": "m", "operator": "is_null", "value": true},
  {"field": "n", "operator": "is_null", "value": false},
  {"field": "Last Call Date", "operator": "eq", "value": "2023-02-30"},
  {"field": "in", "operator": "eq", "value": false}
]"""


def test_every_operator_and_value_kind_round_trips() -> None:
    """Each operator, decimals, dates and date-shaped strings come back as the same JSON."""
    rules = json.loads(RULES, parse_float=Decimal)
    source = decompiled({"filterRules": rules})
    assert "d >= 2023-01-01\n" in source  # a date-shaped string is written as a date
    assert 'j starts with "2023-01-01"' in source  # but text operators keep the string
    assert '`Last Call Date` == "2023-02-30"' in source  # not a real day: stays a string
    assert "c > 2.50" in source and "f <= 0.0" in source  # decimals exactly as written
    full = {"targetListIds": [], "exclusionListIds": [], "filterRules": rules, "priorityOrder": []}
    assert compiled(source) == dumps(full)


def test_tier_names_that_are_not_identifiers_are_quoted() -> None:
    """A tier such as `High Value` or `9lives` is written as a quoted name and compiles back."""
    tiers = ["High Value", "9lives", "where", "p"]
    source = decompiled({"targetListIds": ["a"], "priorityOrder": tiers})
    assert 'priority "High Value", "9lives", "where", p\n' in source
    assert json.loads(compiled(source))["priorityOrder"] == tiers


def test_duplicate_list_ids_are_written_once() -> None:
    """A list id repeated in the JSON appears once, as `compile` would emit it."""
    source = decompiled({"targetListIds": ["a", "b", "a"], "exclusionListIds": ["d", "d"]})
    assert 'target "a", "b"\n' in source and 'exclude "d"\n' in source


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"filterRules": [{"field": "a`b", "operator": "eq", "value": 1}]}, "back quote"),
        ({"filterRules": [{"field": "a\nb", "operator": "eq", "value": 1}]}, "line break"),
        ({"priorityOrder": ["\udc00"]}, "unpaired surrogate"),
        ({"targetListIds": ["\ud800"]}, "unpaired surrogate"),
    ],
)
def test_unwritable_names_raise(payload: dict, message: str) -> None:
    """Names `.sel` cannot spell raise a DecompileError carrying a SEL090 diagnostic."""
    selection, _ = read_payload(payload, "in.json")
    assert selection is not None
    with pytest.raises(DecompileError) as caught:
        to_source(selection, default_id="c")
    assert caught.value.diagnostic.code == UNWRITABLE
    assert message in caught.value.diagnostic.message


def test_empty_selection() -> None:
    """A selection with nothing in it is an empty campaign."""
    assert decompiled({}) == 'campaign "c" {\n}\n'
