"""Contradictions and witnesses on strings: equality, code-point order and text patterns."""

from analysis_support import R, check_contradiction, check_satisfiable


def test_prefixes_must_agree():
    """Two prefixes conflict unless one extends the other."""
    check_contradiction([R("s", "starts_with", "ab"), R("s", "starts_with", "ac")])
    verdict = check_satisfiable([R("s", "starts_with", "ab"), R("s", "starts_with", "a")])
    assert verdict.example["s"].startswith("ab")


def test_suffixes_must_agree():
    """Two suffixes conflict unless one extends the other."""
    check_contradiction([R("s", "ends_with", "xa"), R("s", "ends_with", "ya")])
    check_satisfiable([R("s", "ends_with", "xa"), R("s", "ends_with", "a")])


def test_prefix_against_order():
    """A prefix fixes where a string sorts: `starts with "b"` is never `< "a"`."""
    check_contradiction([R("s", "starts_with", "b"), R("s", "lt", "a")])
    check_contradiction([R("s", "starts_with", "b"), R("s", "lt", "b")])
    check_satisfiable([R("s", "starts_with", "b"), R("s", "lte", "b")])
    check_satisfiable([R("s", "starts_with", "b"), R("s", "lt", "b\x00")])


def test_a_finite_interval_with_one_member():
    """Between `s` and `s + "\\0\\0"` (both open) there is exactly `s + "\\0"`."""
    verdict = check_satisfiable([R("s", "gt", "a"), R("s", "lt", "a\x00\x00")])
    assert verdict.example["s"] == "a\x00"
    check_contradiction([R("s", "gt", "a"), R("s", "lt", "a\x00\x00"), R("s", "neq", "a\x00")])
    check_contradiction([R("s", "gt", "a"), R("s", "lt", "a\x00")])


def test_nothing_sorts_below_the_empty_string():
    """`< ""` admits no string, and `<= ""` only the empty one."""
    check_contradiction([R("s", "lt", "")])
    verdict = check_satisfiable([R("s", "lte", "")])
    assert verdict.example["s"] == ""
    check_contradiction([R("s", "lte", ""), R("s", "contains", "a")])


def test_contains_several_overlapping_words():
    """Substrings may overlap; the witness contains all and respects an upper bound."""
    rules = [
        R("s", "contains", "ab"),
        R("s", "contains", "ba"),
        R("s", "ends_with", "x"),
        R("s", "lt", "b"),
    ]
    check_satisfiable(rules)


def test_contains_against_a_tight_range():
    """Every string in ["ab", "ab\\0"] lacks `c`, so requiring it contradicts."""
    rules = [R("s", "gte", "ab"), R("s", "lte", "ab\x00"), R("s", "contains", "c")]
    check_contradiction(rules)
    check_satisfiable([R("s", "gte", "ab"), R("s", "lte", "ab\x00"), R("s", "contains", "\x00")])


def test_excluded_strings_are_enumerated_away():
    """Exclusions remove single strings, which matters only when few strings remain."""
    base = [R("s", "starts_with", "ab"), R("s", "lte", "ab\x00")]
    check_satisfiable(base)
    check_satisfiable([*base, R("s", "neq", "ab")])
    check_contradiction([*base, R("s", "not_in", ("ab", "ab\x00"))])


def test_equality_with_patterns():
    """A finite set of candidates is checked against every pattern."""
    check_satisfiable([R("s", "in", ("apple", "banana")), R("s", "ends_with", "na")])
    verdict = check_contradiction([R("state", "in", ("CA", "NY")), R("state", "eq", "TX")])
    assert verdict.reason == "`state` must be in (`CA`, `NY`) but is `TX`"


def test_witness_prefers_printable_characters():
    """Gaps between constant characters are represented by letters when they contain some."""
    verdict = check_satisfiable([R("s", "gt", "m"), R("s", "neq", "n")])
    assert verdict.example["s"].isprintable()


def test_empty_patterns_always_hold():
    """`starts with ""` and `contains ""` hold for every string, but not for null."""
    check_satisfiable([R("s", "starts_with", ""), R("s", "contains", ""), R("s", "ends_with", "")])
    check_contradiction([R("s", "contains", ""), R("s", "is_null", True)])


def test_text_patterns_never_hold_for_numbers():
    """`contains "1"` needs a string, so it clashes with `> 0`."""
    verdict = check_contradiction([R("s", "gt", 0), R("s", "contains", "1")])
    assert verdict.reason == '`s` cannot be both a number (`> 0`) and a string (`contains "1"`)'


def test_date_shaped_text_patterns_stay_strings():
    """A date-shaped `starts_with` constant is text, so it combines with string bounds."""
    check_satisfiable([R("s", "starts_with", "2023-01-01"), R("s", "gt", "2023")])
