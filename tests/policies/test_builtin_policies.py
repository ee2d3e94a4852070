"""Behaviour of the built-in policies beyond their golden examples."""

from __future__ import annotations

import json

from selang.app.loader import load_selection


def codes(path) -> list[str]:
    return [d.code for d in load_selection(str(path)).diagnostics]


def test_clean_campaign_passes(write) -> None:
    """A well-formed campaign with targets, exclusions and distinct rules reports nothing."""
    lib = write("lists.sel", 'list dnc = "list_dnc_001"\nsegment adults = age >= 18\n')
    camp = write(
        "c.sel",
        """
        import "lists.sel"
        campaign "c1" {
          target "list_1", "list_2"
          exclude dnc
          where adults and age < 65 and status in ("active", "new") and email is not null
          priority vip, recent, default
        }
        """,
    )
    assert lib.exists()
    assert codes(camp) == []


def test_overlap_points_at_both_places(write) -> None:
    """SEL011 puts the exclusion first and relates the target, after resolving names."""
    camp = write(
        "c.sel",
        """
        list leads = "list_1"
        campaign "c" {
          target leads
          exclude "list_1"
        }
        """,
    )
    [d] = load_selection(str(camp)).diagnostics
    assert d.code == "SEL011"
    assert (d.span.line, d.related[0].span.line) == (4, 3)
    assert "`leads`" in d.related[0].message


def test_rule_limit_counts_after_segment_expansion(write) -> None:
    """SEL012 counts the rules segments expand to, and honours `max-rules`."""
    write("selang.toml", "max-rules = 3\n")
    camp = write(
        "c.sel",
        """
        segment s = a == 1 and b == 2 and c == 3
        campaign "c" {
          target "l"
          where s
        }
        """,
    )
    assert codes(camp) == []
    camp.write_text(camp.read_text().replace("where s", "where s and d == 4"))
    [d] = load_selection(str(camp)).diagnostics
    assert d.code == "SEL012" and "4 filter rules" in d.message


def test_priority_depth_limit_is_configurable(write) -> None:
    """SEL013 fires beyond `max-priority-depth` and points at the first tier too many."""
    write("selang.toml", "max-priority-depth = 2\n")
    camp = write("c.sel", 'campaign "c" {\n  target "l"\n  priority a, b, default\n}\n')
    [d] = load_selection(str(camp)).diagnostics
    assert d.code == "SEL013" and d.span.column == len("  priority a, b, ") + 1


def test_contradiction_core_spans_and_segments(write) -> None:
    """SEL014 names a minimal core only, with a related span per other rule showing its segment."""
    write("lib.sel", 'segment minors = age < 18\nsegment active = status == "active"\n')
    camp = write(
        "c.sel",
        """
        import "lib.sel"
        campaign "c" {
          target "l"
          where active and age >= 21 and email is not null and minors
        }
        """,
    )
    [d] = load_selection(str(camp)).diagnostics
    assert d.code == "SEL014"
    assert d.span.path.endswith("c.sel") and d.span.line == 4
    assert len(d.related) == 1
    assert d.related[0].span.path.endswith("lib.sel")
    assert "from segment `minors`" in d.related[0].message
    assert "`age`" in d.message


def test_redundant_rule_reports_the_later_duplicate(write) -> None:
    """Of two identical rules SEL019 reports the later one, naming the earlier."""
    camp = write("c.sel", 'campaign "c" {\n  target "l"\n  where a == 1 and b == 2 and a == 1\n}\n')
    [d] = load_selection(str(camp)).diagnostics
    assert d.code == "SEL019"
    assert d.span.column == len("  where a == 1 and b == 2 and ") + 1
    assert d.related[0].span.column == len("  where ") + 1


def test_redundant_rule_names_a_set_when_no_single_rule_implies(write) -> None:
    """SEL019 names the set of rules that together imply the redundant one."""
    camp = write(
        "c.sel",
        'campaign "c" {\n  target "l"\n'
        "  where x >= 2 and y == 1 and x <= 4 and x between 2 and 4\n}\n",
    )
    [d] = load_selection(str(camp)).diagnostics
    assert d.code == "SEL019"
    assert "`x >= 2` and `x <= 4` already imply it" in d.message
    assert [r.span.column for r in d.related] == [9, 31]


def test_redundancy_is_not_reported_for_contradictions(write) -> None:
    """With no contact at all SEL014 speaks alone, rather than SEL019 on every rule."""
    camp = write("c.sel", 'campaign "c" {\n  target "l"\n  where a == 1 and a == 2 and a > 0\n}\n')
    assert codes(camp) == ["SEL014"]


def test_no_single_rule_is_a_tautology(write) -> None:
    """SEL020 stays silent on every operator, since a null field fails all but `is null`."""
    camp = write(
        "c.sel",
        """
        campaign "c" {
          target "l"
          where a != 1 and b not in ("x") and c is null and d is not null
            and e starts with "" and f contains "" and g >= -1000000 and h between 0 and 1
        }
        """,
    )
    assert "SEL020" not in codes(camp)


def test_duplicate_list_id_by_name_and_id(write) -> None:
    """SEL018 sees a list given by name and by id in one clause as the same list."""
    camp = write(
        "c.sel",
        'list dnc = "list_dnc"\ncampaign "c" {\n  target "l"\n  exclude dnc, "list_dnc"\n}\n',
    )
    [d] = load_selection(str(camp)).diagnostics
    assert d.code == "SEL018" and "`dnc` and its id" in d.message


def test_required_exclusions_on_json(write) -> None:
    """SEL021 applies to JSON selections too, and is satisfied by the configured list id."""
    write("selang.toml", 'required-exclusions = ["list_dnc"]\n')
    payload = {
        "targetListIds": ["l"],
        "exclusionListIds": [],
        "filterRules": [],
        "priorityOrder": [],
    }
    sel = write("s.json", json.dumps(payload))
    [d] = load_selection(str(sel)).diagnostics
    assert d.code == "SEL021" and "`exclusionListIds`" in (d.help or "")
    payload["exclusionListIds"] = ["list_dnc"]
    sel.write_text(json.dumps(payload))
    assert codes(sel) == []


def test_field_schema_checks(write) -> None:
    """SEL022/SEL023 use the schema: unknown fields, wrong kinds; `is null` fits any type."""
    write(
        "pyproject.toml",
        '[tool.selang.fields]\nage = "number"\nname = "string"\nflag = "boolean"\n'
        '"Last Call" = "datetime"\n',
    )
    camp = write(
        "c.sel",
        """
        campaign "c" {
          target "l"
          where age in (1, "2") and flag is null and `Last Call` > 2023-01-01T00:00:00Z
            and nmae == "x" and name == 5
        }
        """,
    )
    found = sorted(
        (d.span.line, d.span.column, d.code) for d in load_selection(str(camp)).diagnostics
    )
    assert found == [(3, 9, "SEL023"), (4, 9, "SEL022"), (4, 25, "SEL023")]


def test_policies_do_not_run_without_a_campaign(write) -> None:
    """A library is read and resolved, but no selection policy applies to it."""
    lib = write("lib.sel", "segment s = a == 1 and a == 2\n")
    assert codes(lib) == []


def test_rule_excludes_nobody_only_when_ill_formed() -> None:
    """SEL020 reports exactly the rules `implies([], rule)` holds for: the ill-formed ones."""
    from selang.analysis import implies
    from selang.checks import Context
    from selang.core.diagnostics import Span
    from selang.policies.tautology import RuleExcludesNobody
    from selang.semantic.model import Rule, Selection

    span = Span.point("c.json")
    rules = (
        Rule("a", "in", (), span),
        Rule("b", "eq", 1, span),
        Rule("c", "is_null", "yes", span),  # type: ignore[arg-type]
        Rule("d", "is_null", True, span),
    )
    selection = Selection("c", (), (), rules, (), span)
    found = list(RuleExcludesNobody().check(selection, Context("c.json")))
    assert [d.message for d in found] == [
        "rule `a` excludes no contact",
        "rule `c` excludes no contact",
    ]
    assert [implies([], r) for r in rules] == [True, False, True, False]
