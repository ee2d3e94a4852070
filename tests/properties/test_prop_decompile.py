"""Round trip through the decompiler: JSON → `.sel` → JSON gives the §2-normalised JSON."""

from __future__ import annotations

from hypothesis import given
from sel_strategies import payloads

from selang.format.decompile import to_source
from selang.format.fmt import format_source
from selang.semantic.resolve import resolve
from selang.targets.cxone import dumps, read_payload, render


def normalise(payload: dict) -> dict:
    """CONTRACT §2 by hand: four keys, absent ones empty, list ids once each in first-seen order."""

    def once(ids: list) -> list:
        out: list = []
        for item in ids:
            if item not in out:
                out.append(item)
        return out

    return {
        "targetListIds": once(payload.get("targetListIds", [])),
        "exclusionListIds": once(payload.get("exclusionListIds", [])),
        "filterRules": [
            {"field": r["field"], "operator": r["operator"], "value": r["value"]}
            for r in payload.get("filterRules", [])
        ],
        "priorityOrder": list(payload.get("priorityOrder", [])),
    }


@given(payloads())
def test_compile_of_decompile_is_normalised_input(payload: dict) -> None:
    """Compiling decompiled source gives back the input JSON, normalised, byte for byte."""
    selection, diagnostics = read_payload(payload, "in.json")
    assert diagnostics == [] and selection is not None
    source = to_source(selection, default_id="campaign")
    program = resolve("out.sel", source)
    assert program.diagnostics == (), source
    assert program.selection is not None
    assert render(program.selection) == dumps(normalise(payload))
    assert format_source(source, "out.sel") == (source, [])
