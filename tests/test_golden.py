"""Golden outputs: each case in examples/broken/ (a file, or a folder with its own settings and
imports) checked with `selang check --format text`, compared with tests/golden/<case>.txt.

Adding a case is adding a file or a folder; run once with UPDATE_GOLDEN=1 to write its golden
file, and again after an intended change. The exit code is checked against the output: 1 when
an error is shown, 0 otherwise.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from selang.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "examples" / "broken"
GOLDEN = ROOT / "tests" / "golden"
CASES = sorted(p for p in BROKEN.iterdir() if p.is_dir() or p.suffix in (".sel", ".json"))


def _golden(case: Path) -> Path:
    return GOLDEN / f"{case.stem if case.is_file() else case.name}.txt"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_golden(
    case: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The case's rendered output matches its golden file and shows the code it is named for."""
    monkeypatch.chdir(ROOT)
    code = main(["check", "--format", "text", case.relative_to(ROOT).as_posix()])
    out = capsys.readouterr().out
    assert code == (1 if "\nerror[" in f"\n{out}" else 0), out
    golden = _golden(case)
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}; run with UPDATE_GOLDEN=1"
    assert out == golden.read_text(encoding="utf-8")
    code = case.name.split("-", 1)[0]
    assert f"[{code}]" in out


def test_every_golden_file_has_a_case() -> None:
    """No golden file is left behind when its case is renamed or removed."""
    expected = {_golden(case).name for case in CASES}
    assert {p.name for p in GOLDEN.glob("*.txt")} <= expected


def test_case_names_are_unique() -> None:
    """No two cases share a name, so no two share a golden file."""
    names = [_golden(case).name for case in CASES]
    assert len(names) == len(set(names))
