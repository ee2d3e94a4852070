"""The CXone JSON of CONTRACT §2: exact emission, and reading with located SEL015 diagnostics."""

from __future__ import annotations

import json
from decimal import Decimal

from selang.semantic.resolve import resolve
from selang.targets.cxone import dumps, emit, read_text


def compile_text(tmp_path, src: str) -> str:
    path = tmp_path / "c.sel"
    path.write_text(src)
    program = resolve(str(path))
    assert program.diagnostics == ()
    assert program.selection is not None
    return dumps(emit(program.selection))


def test_emission_is_byte_exact(tmp_path) -> None:
    """Key order, 2-space indent, de-duplicated lists, int vs decimal, dates as written."""
    out = compile_text(
        tmp_path,
        'campaign "c" { target "a", "b", "a" where n == 1.50 and m in (1, 2.0)'
        ' and d > 2023-01-01 and t <= 2023-01-01T08:30:00Z and s == "é\\n" }',
    )
    expected = {
        "targetListIds": ["a", "b"],
        "exclusionListIds": [],
        "filterRules": [
            {"field": "n", "operator": "eq", "value": Decimal("1.50")},
            {"field": "m", "operator": "in", "value": [1, Decimal("2.0")]},
            {"field": "d", "operator": "gt", "value": "2023-01-01"},
            {"field": "t", "operator": "lte", "value": "2023-01-01T08:30:00Z"},
            {"field": "s", "operator": "eq", "value": "é\n"},
        ],
        "priorityOrder": [],
    }
    assert json.loads(out, parse_float=Decimal) == expected
    assert '"value": 1.50' in out and "2.0\n" in out and '"é\\n"' in out
    assert out.endswith("}\n")
    # Same layout as the stdlib writer wherever the stdlib can write the value.
    plain = compile_text(tmp_path, 'campaign "c" { target "a" where x == 1 priority p }')
    assert plain == json.dumps(json.loads(plain), indent=2, ensure_ascii=False) + "\n"


def test_reading_a_campaign_document_or_a_bare_selection() -> None:
    """A whole campaign document gives the campaign id; a bare selection is read the same."""
    doc = {
        "id": "camp_1",
        "name": "x",
        "version": 3,
        "contactSelection": {
            "targetListIds": ["a"],
            "filterRules": [{"field": "d", "operator": "gte", "value": "2024-02-29"}],
        },
    }
    sel, diags = read_text(json.dumps(doc), "d.json")
    assert diags == [] and sel is not None and sel.campaign_id == "camp_1"
    bare, diags = read_text(json.dumps(doc["contactSelection"]), "s.json")
    assert diags == [] and bare == sel.__class__(
        None, *[getattr(sel, f) for f in ("targets", "exclusions", "rules", "priority", "span")]
    )


def test_malformed_rules_point_into_the_json_text() -> None:
    """SEL015 names the problem and spans the offending element of the JSON text."""
    text = (
        '{\n  "targetListIds": ["a"],\n  "filterRules": [\n'
        '    {"field": "x", "operator": "like", "value": 1},\n'
        '    {"field": "y", "operator": "in", "value": []},\n'
        '    {"field": "z", "operator": "eq"},\n'
        '    {"field": "w", "operator": "eq", "value": {"a": 1}}\n  ]\n}\n'
    )
    sel, diags = read_text(text, "bad.json")
    assert sel is not None and sel.rules == ()
    found = [(d.code, d.span.line, d.span.column, d.message) for d in diags]
    assert found == [
        ("SEL015", 4, 32, found[0][3]),
        ("SEL015", 5, 47, "`in` on `y` takes a non-empty list of values"),
        ("SEL015", 6, 5, "`filterRules[2]` has no `value`"),
        ("SEL015", 7, 47, "`eq` on `w` takes a single value"),
    ]
    assert found[0][3].startswith("unknown operator `like` on `x`")


def test_invalid_json_is_a_syntax_diagnostic() -> None:
    """Broken JSON is SEL001 at the decoder's position, not an exception."""
    sel, (diag,) = read_text('{"targetListIds": [1,\n ]}', "b.json")
    assert sel is None and diag.code == "SEL001" and diag.span.line == 2
