"""The command line's frame: usage errors, help, and commands that parse their own flags."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from selang.cli.main import main

ROOT = Path(__file__).resolve().parents[1]


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


def test_sandbox_mode_creates_the_campaigns_it_is_given(tmp_path, capsys) -> None:
    """`plan`/`apply --sandbox` on a user's own campaign works: the sandbox creates it first."""
    src = tmp_path / "mine.sel"
    src.write_text('campaign "campaign_of_my_own" {\n  target "list_a"\n  where age >= 21\n}\n')
    state = str(tmp_path / "state")
    assert main(["plan", "--sandbox", "--state-dir", state, str(src)]) == 0
    assert "campaign `campaign_of_my_own` (version 1" in capsys.readouterr().out
    assert main(["apply", "--sandbox", "--yes", "--state-dir", state, str(src)]) == 0
    assert main(["plan", "--sandbox", "--state-dir", state, str(src), "--detailed-exitcode"]) == 0
    assert "no changes" in capsys.readouterr().out


def test_apply_refuses_a_file_whose_reading_errors_are_ignored(tmp_path, capsys) -> None:
    """Ignoring SEL002 in settings never lets apply send a selection missing its exclusion."""
    (tmp_path / "selang.toml").write_text('ignore = ["SEL002"]\n')
    src = tmp_path / "c.sel"
    src.write_text('campaign "campaign_x" {\n  target "list_a"\n  exclude dnc_typo\n}\n')
    state = str(tmp_path / "state")
    assert main(["apply", "--sandbox", "--yes", "--state-dir", state, str(src)]) == 1
    err = capsys.readouterr().err
    assert "unknown list `dnc_typo`" in err and "nothing was sent" in err


def test_console_entry_exits_with_the_command_code() -> None:
    """`python -m selang` (the console script's entry) prints every finding and exits with the
    command's code: 1 for errors, 0 for a clean file."""

    def check(path: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "selang", "check", "--no-cache", path]
        return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)

    broken = check("examples/broken/SEL014-contradiction.sel")
    assert broken.returncode == 1
    assert "error[SEL014]" in broken.stdout
    assert broken.stderr == "found 1 error (1 file checked)\n"
    clean = check("examples/lists.sel")
    assert (clean.returncode, clean.stderr) == (0, "all checks passed (1 file checked)\n")
