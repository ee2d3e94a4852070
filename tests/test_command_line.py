"""The command line's frame: usage errors, help, and commands that parse their own flags."""

from __future__ import annotations

import subprocess
import sys

from selang.cli import main


def test_no_command_and_bad_flags_are_usage_errors(capsys) -> None:
    """No command, or an unknown flag, exits 2 with usage on stderr and no traceback."""
    assert main([]) == 2
    assert main(["check", "--bogus", "x.sel"]) == 2
    err = capsys.readouterr().err
    assert "usage: selang" in err and "unrecognized arguments: --bogus" in err


def test_version_and_help_exit_zero(capsys) -> None:
    """`--version` and `--help` print and exit 0."""
    assert main(["--version"]) == 0
    assert "selang " in capsys.readouterr().out
    assert main(["check", "--help"]) == 0


def test_sandbox_takes_its_own_flags() -> None:
    """`python -m selang sandbox --help` reaches the sandbox's parser, which lists its flags."""
    out = subprocess.run(
        [sys.executable, "-m", "selang", "sandbox", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--rate-limit" in out and "--state-dir" in out
