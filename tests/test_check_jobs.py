"""`selang check --jobs N`: worker processes give exactly the output of one process."""

from __future__ import annotations

from pathlib import Path

import pytest

from selang.cli.main import main


@pytest.fixture
def many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lib.sel").write_text(
        'list dnc = "list_dnc"\n'
        "# selang: ignore[SEL019]\n"
        "segment adults = age >= 18 and age >= 21\n"
        "segment unused = x == 1  # selang: ignore[SEL016]\n"
    )
    for i in range(40):
        overlap = f', "list_{i}"' if i % 5 == 0 else ""  # SEL011
        body = f'  target "list_{i}"\n  exclude dnc{overlap}\n  where adults\n'
        if i % 7 == 0:
            body += "  where b == 1\n"  # a second where: SEL002
        (tmp_path / f"c{i:02}.sel").write_text(f'import "lib.sel"\ncampaign "c{i}" {{\n{body}}}\n')
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", "--no-cache", "--format", "json", *args])
    return code, capsys.readouterr().out


def test_workers_give_the_same_diagnostics_in_the_same_order(many: Path, capsys) -> None:
    """Forty files checked by two or three workers match one process, byte for byte."""
    files = sorted(p.name for p in many.glob("*.sel"))
    single = run(capsys, "--jobs", "1", *files)
    assert single[0] == 1 and "SEL002" in single[1] and "SEL011" in single[1]
    assert run(capsys, "--jobs", "2", *files) == single
    assert run(capsys, "--jobs", "3", *files) == single


def test_suppressions_used_in_any_worker_are_not_unused(many: Path, capsys) -> None:
    """A library's suppression used by campaigns in every worker is not reported as unused,
    and one used nowhere is reported once."""
    files = sorted(p.name for p in many.glob("*.sel"))
    _, out = run(capsys, "--jobs", "2", *files)
    assert out.count('"SEL024"') == 1 and "unused suppression of `SEL016`" in out


def test_without_fork_workers_are_spawned_and_agree(many: Path, capsys, monkeypatch) -> None:
    """Where processes cannot fork, every slice goes to a process pool, with the same output."""
    import os

    files = sorted(p.name for p in many.glob("*.sel"))
    single = run(capsys, "--jobs", "1", *files)
    monkeypatch.delattr(os, "fork")
    assert run(capsys, "--jobs", "2", *files) == single
