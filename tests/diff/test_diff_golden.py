"""Golden outputs of `selang diff`: each folder in tests/diff/cases/ holds OLD (`old.sel` or
`old.json`), NEW and the expected text and Markdown, compared byte for byte.

Adding a case is adding a folder; run once with UPDATE_GOLDEN=1 to write its expected files, and
again after an intended change. The exit code must match the verdict: 0 only for `equivalent`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from selang.cli.main import main

CASES_DIR = Path(__file__).resolve().parent / "cases"
CASES = sorted(p for p in CASES_DIR.iterdir() if p.is_dir())
FORMATS = {"text": "expected.txt", "markdown": "expected.md"}


def _side(case: Path, name: str) -> str:
    (found,) = [p for p in case.iterdir() if p.stem == name and p.suffix in (".sel", ".json")]
    return found.name


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_diff_golden(
    case: Path, fmt: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The case's rendered diff matches its golden file, and the exit code its verdict."""
    monkeypatch.chdir(case)
    code = main(["diff", _side(case, "old"), _side(case, "new"), "--format", fmt])
    captured = capsys.readouterr()
    assert captured.err == ""
    golden = case / FORMATS[fmt]
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(captured.out, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run with UPDATE_GOLDEN=1"
    assert captured.out == golden.read_text(encoding="utf-8")
    same = "equivalent" in captured.out.splitlines()[0 if fmt == "text" else 4]
    assert code == (0 if same else 1)
