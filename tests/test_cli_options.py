"""The command line's conventions: `-V`, `--quiet`, `--output-file`, `--select`/`--ignore`/
`--config`, `--exit-zero`, `-` for stdin, colour, each command's own usage, and the help order."""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import pytest

from selang.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
PAST = time.time() - 60  # older than the check cache's racy window

# SEL014 (an error) on line 3, SEL016 (a warning) on line 4.
BOTH = """campaign "c" {
  target "list_a"
  where age >= 18 and age < 16
  priority high, high
}
"""
SYNTAX_ERROR = 'campaign "c" {\n  target "list_a"\n  where age >< 3\n}\n'


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("NO_COLOR", "FORCE_COLOR", "SELANG_NO_CACHE"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "both.sel").write_text(BOTH)
    return tmp_path


def codes(out: str) -> list[str]:
    """The codes of `--format concise` output, in order."""
    return [line.split(": ")[1].split(" ")[0] for line in out.splitlines()]


def feed(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    """Make `data` the process's standard input."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_short_version_flag(capsys) -> None:
    """`-V` prints the version as `--version` does."""
    assert main(["-V"]) == 0
    assert capsys.readouterr().out.startswith("selang ")


def test_a_bad_flag_shows_its_own_commands_usage(capsys) -> None:
    """An unknown flag after a command shows that command's usage, not the top level's."""
    assert main(["check", "--bogus", "x.sel"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: selang check ") and "unrecognized arguments: --bogus" in err
    assert main(["audit", "log", "--bogus"]) == 2
    assert capsys.readouterr().err.startswith("usage: selang audit log ")


def test_help_lists_commands_in_working_order(capsys) -> None:
    """`selang --help` lists the commands in the order of a day's work: write, check, compile,
    look at the data, compare, plan, apply; then the tools around them."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    listed = [
        line.split()[0]
        for line in out.split("COMMAND\n", 1)[1].splitlines()
        if line.startswith("    ") and not line.startswith("     ")
    ]
    assert listed == [
        "check", "fmt", "compile", "decompile", "preview", "diff", "plan", "apply", "import",
        "audit", "webhook", "fields", "rule", "init", "lsp", "sandbox",
    ]  # fmt: skip
