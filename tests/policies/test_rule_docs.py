"""`selang rule` and docs/rules.md come from the same policy documentation."""

from __future__ import annotations

from pathlib import Path

from selang.checks import docsgen

ROOT = Path(__file__).resolve().parents[2]


def test_rule_prints_one_rule(run) -> None:
    """`selang rule SEL014` prints the code, name, severity and the four sections."""
    code, out, _ = run("rule", "sel014")
    assert code == 0
    assert out.startswith("SEL014 contradictory-filters (error by default)\n")
    for title in ("What it does", "Why", "Example", "Use instead"):
        assert f"## {title}" in out


def test_rule_all_and_markdown(run) -> None:
    """`selang rule --all` covers every code; `--markdown` gives a page with an index."""
    code, out, _ = run("rule", "--all")
    assert code == 0 and out.count(" by default)\n") >= 18
    code, out, _ = run("rule", "--all", "--markdown")
    assert code == 0 and "| [SEL099](#sel099-policy-plugin-failed) |" in out


def test_rule_usage_errors(run) -> None:
    """An unknown code, or neither a code nor --all, is a usage error (exit 2)."""
    code, _, err = run("rule", "SEL777")
    assert code == 2 and "unknown rule `SEL777`" in err
    assert run("rule")[0] == 2


def test_committed_rules_page_is_current() -> None:
    """docs/rules.md is exactly what `python -m selang.checks.docsgen` writes today."""
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == docsgen.page(), "run `python -m selang.checks.docsgen docs/rules.md`"


def test_every_code_the_source_emits_is_documented(run) -> None:
    """Each `SELnnn` code written in selang's or the built-in policies' source has a rule page."""
    import re

    emitted: set[str] = set()
    for folder in (ROOT / "selang", ROOT / "policies"):
        for path in folder.rglob("*.py"):
            emitted |= set(re.findall(r"[\"'](SEL\d{3})[\"']", path.read_text(encoding="utf-8")))
    assert {"SEL001", "SEL090", "SEL091", "SEL099"} <= emitted
    for code in sorted(emitted):
        status, out, err = run("rule", code)
        assert status == 0, f"`selang rule {code}` says: {err.strip()}"
        assert out.startswith(f"{code} ")
