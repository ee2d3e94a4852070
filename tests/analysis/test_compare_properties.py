"""`compare` against a brute-force oracle over every candidate contact (Hypothesis)."""

from compare_support import S, brute_difference, sel, valid_witness
from hypothesis import given, note
from hypothesis import strategies as st
from test_analysis_differential import FAMILIES, rules_on

from selang.analysis import compare

LISTS = ["list_a", "list_b", "list_c"]
VERDICTS = {
    (False, False): "equivalent",
    (False, True): "narrower",
    (True, False): "broader",
    (True, True): "incomparable",
}


@st.composite
def pairs(draw: st.DrawFn) -> tuple[S, S]:
    """Two selections over the same fields, the second often a small edit of the first."""
    fields = ["a", "b", "c"][: draw(st.integers(1, 3))]
    family = {f: draw(st.sampled_from(FAMILIES)) for f in fields}
    rule = rules_on(fields, family)
    old_rules = draw(st.lists(rule, max_size=4))
    kept = [r for r in old_rules if draw(st.integers(0, 3))]
    new_rules = kept + draw(st.lists(rule, max_size=2))
    if draw(st.booleans()):
        new_rules = draw(st.permutations(new_rules))

    def lists(min_size: int) -> list[str]:
        return draw(st.lists(st.sampled_from(LISTS), min_size=min_size, max_size=2, unique=True))

    old = sel(old_rules, lists(1), lists(0))
    if draw(st.integers(0, 3)):  # mostly the same lists, so the rules decide
        return old, sel(new_rules, [t.id for t in old.targets], [x.id for x in old.exclusions])
    return old, sel(new_rules, lists(1), lists(0))


def _has_contains(old: S, new: S) -> bool:
    # A negated `contains` is the one rule the oracle's candidates are not proven to cover.
    return any(r.operator == "contains" for r in (*old.rules, *new.rules))


@given(pairs())
def test_compare_agrees_with_brute_force(pair):
    """The verdict is the oracle's, and each witness is selected by one side and not the other."""
    old, new = pair
    result = compare(old, new)
    note(repr(result))
    gained, lost = brute_difference(old, new)
    if result.gained is not None:
        assert valid_witness(result.gained, new, old), result.gained
    if result.lost is not None:
        assert valid_witness(result.lost, old, new), result.lost
    found = (result.gained is not None, result.lost is not None)
    if _has_contains(old, new):
        # Every witness was checked above; the oracle can only miss one, never invent one.
        assert (gained <= found[0]) and (lost <= found[1])
    else:
        assert result.verdict == VERDICTS[gained, lost]


@given(pairs())
def test_compare_is_symmetric(pair):
    """Swapping the sides swaps gained and lost, and narrower with broader."""
    old, new = pair
    there, back = compare(old, new), compare(new, old)
    assert (there.gained is None) == (back.lost is None)
    assert (there.lost is None) == (back.gained is None)
    assert there.target_added == back.target_removed
    assert there.exclusion_removed == back.exclusion_added


@given(pairs())
def test_a_selection_is_equivalent_to_itself(pair):
    """Comparing a selection with itself finds nobody gained or lost."""
    old, _ = pair
    assert compare(old, old).verdict == "equivalent"
