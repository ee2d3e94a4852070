"""Property tests: any well-formed selection is accepted and read back unchanged, and any
unknown operator is refused naming its rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sandbox_client import get_token, patch, read

from selang.sandbox import running

scalars = st.one_of(
    st.integers(-(10**12), 10**12),
    st.text(max_size=12),
    st.booleans(),
    st.dates().map(lambda d: d.isoformat()),
)
fields = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.]{0,10}", fullmatch=True)
ordered_pair = st.one_of(
    st.lists(st.integers(-1000, 1000), min_size=2, max_size=2).map(sorted),
    st.lists(st.dates(), min_size=2, max_size=2).map(
        lambda ds: [d.isoformat() for d in sorted(ds)]
    ),
)


def _rule(field: str, operator: str, value: Any) -> dict[str, Any]:
    return {"field": field, "operator": operator, "value": value}


rules = st.one_of(
    st.builds(_rule, fields, st.sampled_from(["eq", "neq", "gt", "gte", "lt", "lte"]), scalars),
    st.builds(_rule, fields, st.sampled_from(["in", "not_in"]), st.lists(scalars, min_size=1)),
    st.builds(_rule, fields, st.just("between"), ordered_pair),
    st.builds(_rule, fields, st.sampled_from(["starts_with", "ends_with", "contains"]), st.text()),
    st.builds(_rule, fields, st.just("is_null"), st.booleans()),
)
list_ids = st.lists(
    st.from_regex(r"list_[a-z0-9]{1,8}", fullmatch=True), unique=True, min_size=1, max_size=6
)


@st.composite
def selections(draw: st.DrawFn) -> dict[str, Any]:
    ids = draw(list_ids)
    split = draw(st.integers(1, len(ids)))
    return {
        "targetListIds": ids[:split],
        "exclusionListIds": ids[split:],
        "filterRules": draw(st.lists(rules, max_size=6)),
        "priorityOrder": draw(st.lists(st.text(min_size=1, max_size=8), max_size=5)),
    }


def test_well_formed_selections_round_trip(tmp_path: Path) -> None:
    """Whatever valid selection a client PATCHes, the next GET returns exactly it."""
    with running(state_dir=tmp_path) as sb:
        token = get_token(sb)

        @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(selection=selections())
        def check(selection: dict[str, Any]) -> None:
            doc = read(sb, token)
            doc["contactSelection"] = selection
            answer = patch(sb, token, doc)
            assert answer.status_code == 200, answer.text
            assert read(sb, token)["contactSelection"] == selection

        check()


def test_unknown_operators_are_named(tmp_path: Path) -> None:
    """An operator outside the contract's list is refused with the rule's index in the message."""
    known = {"eq", "neq", "gt", "gte", "lt", "lte", "in", "not_in", "between"}
    known |= {"starts_with", "ends_with", "contains", "is_null"}
    with running(state_dir=tmp_path) as sb:
        token = get_token(sb)

        @settings(max_examples=25, deadline=None)
        @given(
            before=st.lists(rules, max_size=3),
            operator=st.text(max_size=10).filter(lambda s: s not in known),
        )
        def check(before: list[dict[str, Any]], operator: str) -> None:
            doc = read(sb, token)
            doc["contactSelection"]["filterRules"] = [*before, _rule("f", operator, 1)]
            answer = patch(sb, token, doc)
            assert answer.status_code == 400
            assert answer.json()["message"].startswith(
                f"contactSelection.filterRules[{len(before)}].operator: unknown operator"
            )

        check()
