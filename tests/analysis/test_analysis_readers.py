"""At the command line: a lone surrogate in JSON, and `.sel` decimals beyond float range."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sarif_schema import assert_valid_sarif

ROOT = Path(__file__).resolve().parents[2]
BIG = "1" + "0" * 400 + ".5"


def selang(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # A real process: the crash was in writing a lone surrogate to a UTF-8 stdout.
    return subprocess.run(
        [sys.executable, "-m", "selang", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={"PYTHONPATH": str(ROOT), "SELANG_NO_CACHE": "1", "PATH": "/usr/bin:/bin"},
        check=False,
    )


def _campaign(where: str) -> str:
    return f'campaign "c" {{\n  target "l1"\n  where {where}\n}}\n'


@pytest.mark.parametrize("fmt", ["text", "concise", "github", "json", "sarif"])
def test_lone_surrogate_is_a_diagnostic_and_the_batch_keeps_going(tmp_path, fmt):
    """`"\\ud800"` in a JSON string is SEL001 with a span; the `.sel` beside it keeps its SEL019."""
    head = '{"targetListIds": ["l1"], "filterRules": [{"field": "n", "operator": "eq", "value": '
    (tmp_path / "a.json").write_text(
        head + '"\\ud800"}, {"field": "n", "operator": "eq", "value": "a"}]}\n',
        encoding="utf-8",
    )
    (tmp_path / "b.sel").write_text(_campaign("age > 1 and age > 2"), encoding="utf-8")
    done = selang(tmp_path, "check", "a.json", "b.sel", "--format", fmt)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    assert "SEL001" in done.stdout and "SEL019" in done.stdout
    assert "unpaired surrogate" in done.stdout
    if fmt == "sarif":
        assert_valid_sarif(json.loads(done.stdout))
    if fmt == "json":
        found = {(d["path"], d["code"]): d for d in json.loads(done.stdout)}
        assert found["a.json", "SEL001"]["column"] == len(head) + 1
        assert ("b.sel", "SEL019") in found


def test_sel_decimals_beyond_float_range_are_analysed(tmp_path):
    """A 401-digit decimal in `.sel` is a number like any other: `<` it fails on null (SEL014)."""
    (tmp_path / "f.sel").write_text(_campaign(f"x < {BIG} and x is null"), encoding="utf-8")
    (tmp_path / "g.sel").write_text(_campaign(f"z > 2.5 and z < {BIG}"), encoding="utf-8")
    done = selang(tmp_path, "check", "--format", "json", "f.sel", "g.sel")
    codes = sorted((d["path"], d["code"]) for d in json.loads(done.stdout))
    assert [c for c in codes if c[1] in ("SEL014", "SEL019", "SEL020")] == [("f.sel", "SEL014")]
    assert done.returncode == 1
