"""The shipped examples: clean under `check`, already formatted, and compiled to golden JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from selang.cli.main import main
from selang.format.fmt import format_source

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CAMPAIGNS = sorted((EXAMPLES / "campaigns").glob("*.sel"))
GOOD = [EXAMPLES / "lists.sel", *CAMPAIGNS]


def test_there_are_three_campaigns() -> None:
    """The examples folder holds the three documented campaigns."""
    names = {p.stem for p in CAMPAIGNS}
    assert names == {"winback", "collections", "appointment_reminders"}


@pytest.mark.parametrize("path", CAMPAIGNS, ids=lambda p: p.stem)
def test_compile_matches_golden(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`selang compile` of each example campaign prints exactly its golden JSON."""
    assert main(["compile", str(path)]) == 0
    golden = ROOT / "tests" / "golden" / "examples" / f"{path.stem}.json"
    assert capsys.readouterr().out == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_example_checks_clean(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`selang check` finds nothing at all in the library and the example campaigns."""
    assert main(["check", "--format", "json", str(path)]) == 0
    assert capsys.readouterr().out == "[]\n"


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_example_is_formatted(path: Path) -> None:
    """The examples are already in canonical form, so they show the layout `fmt` writes."""
    text = path.read_text(encoding="utf-8")
    assert format_source(text, str(path)) == (text, [])


@pytest.mark.parametrize("path", CAMPAIGNS, ids=lambda p: p.stem)
def test_example_campaigns_exclude_dnc(path: Path) -> None:
    """Every example campaign excludes the master do-not-call list."""
    from selang.app.loader import load_selection

    result = load_selection(str(path))
    assert result.selection is not None
    assert "list_dnc_001" in [r.id for r in result.selection.exclusions]
    assert len(result.selection.rules) <= 50
    tiers = [t.name for t in result.selection.priority]
    assert len(tiers) <= 5 and len(tiers) == len(set(tiers))
