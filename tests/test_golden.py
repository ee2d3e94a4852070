"""Snapshot tests: every top-level file in `examples/broken/` against `tests/golden/<stem>.txt`.

Adding a case is adding a file (and running once with `UPDATE_GOLDEN=1` to write its snapshot).
A snapshot holds the command, its exit code and its exact standard output, as run from the
repository root so that paths in it are relative.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from selang.cli import main

ROOT = Path(__file__).resolve().parent.parent
BROKEN = sorted(p for p in (ROOT / "examples" / "broken").iterdir() if p.is_file())
GOLDEN = ROOT / "tests" / "golden"


def snapshot(rel: str, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["check", "--format", "text", rel])
    out = capsys.readouterr().out
    return f"$ selang check --format text {rel}\nexit {code}\n---\n{out}"


@pytest.mark.parametrize("case", BROKEN, ids=lambda p: p.name)
def test_broken_example(
    case: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The diagnostics rendered for a broken example, and its exit code, match its snapshot."""
    monkeypatch.chdir(ROOT)
    actual = snapshot(case.relative_to(ROOT).as_posix(), capsys)
    golden = GOLDEN / f"{case.stem}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.exists(), f"no snapshot for {case.name}: run with UPDATE_GOLDEN=1"
    assert actual == golden.read_text(encoding="utf-8")


def test_every_broken_example_fails() -> None:
    """Each broken example's snapshot records a non-zero exit, so none passes by accident."""
    for case in BROKEN:
        golden = GOLDEN / f"{case.stem}.txt"
        if golden.exists():
            assert "\nexit 0\n" not in golden.read_text(encoding="utf-8"), case.name


def test_snapshot_names_are_unique() -> None:
    """No two broken examples share a stem, so no two share a snapshot file."""
    stems = [p.stem for p in BROKEN]
    assert len(stems) == len(set(stems))
