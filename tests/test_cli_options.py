"""The command line's conventions: `-V`, `--quiet`, `--output-file`, `--select`/`--ignore`/
`--config`, `--exit-zero`, `-` for stdin, colour, each command's own usage, and the help order."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
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


def test_quiet_prints_diagnostics_and_nothing_else(here: Path, capsys) -> None:
    """`check --quiet` prints the diagnostics without the summary; `fmt --quiet` is silent."""
    assert main(["check", "both.sel"]) == 1
    assert capsys.readouterr().err.startswith("found 1 error")
    assert main(["check", "--quiet", "both.sel"]) == 1
    out, err = capsys.readouterr()
    assert "error[SEL014]" in out and "warning[SEL016]" in out and err == ""
    (here / "ugly.sel").write_text('list  a="l"\n')
    assert main(["fmt", "-q", "ugly.sel"]) == 0
    assert capsys.readouterr() == ("", "")
    assert (here / "ugly.sel").read_text() == 'list a = "l"\n'


def test_select_and_ignore_choose_codes_like_ruff(here: Path, capsys) -> None:
    """`--select` and `--ignore` take codes and prefixes, comma-separated or repeated, over
    the settings file: the longest matching prefix decides, as in `selang.toml`."""

    def run(*flags: str) -> tuple[int, list[str]]:
        code = main(["check", "--format", "concise", *flags, "both.sel"])
        return code, codes(capsys.readouterr().out)

    assert run("--ignore", "SEL014") == (0, ["SEL016"])
    assert run("--select", "SEL016") == (0, ["SEL016"])
    assert run("--select", "SEL014,SEL016") == (1, ["SEL014", "SEL016"])
    assert run("--select", "SEL01", "--ignore", "SEL016") == (1, ["SEL014"])
    (here / "selang.toml").write_text('ignore = ["SEL01"]\n')
    assert run() == (0, [])
    assert run("--select", "SEL014") == (1, ["SEL014"])
    assert run("--ignore", "SEL0") == (0, [])


def test_unknown_code_on_the_command_line_names_the_closest(here: Path, capsys) -> None:
    """A code that names no rule is a usage error naming the closest code, as in settings."""
    assert main(["check", "--select", "SE014", "both.sel"]) == 2
    assert "`--select`: `SE014` is no rule code (did you mean `SEL014`?)" in (
        capsys.readouterr().err
    )
    assert main(["check", "--ignore", "SEL0x4", "both.sel"]) == 2
    assert "`--ignore`: `SEL0x4` is not a rule code or code prefix" in capsys.readouterr().err


def test_a_syntax_error_is_never_silenced(here: Path, capsys) -> None:
    """`--ignore SEL001`, or a prefix of it, still reports a syntax error and exits 1."""
    (here / "bad.sel").write_text(SYNTAX_ERROR)
    for flags in (["--ignore", "SEL001"], ["--ignore", "SEL"], ["--select", "SEL014"]):
        assert main(["check", "--format", "concise", *flags, "bad.sel"]) == 1
        assert "SEL001" in codes(capsys.readouterr().out)


def test_config_picks_the_settings_file(here: Path, capsys) -> None:
    """`--config PATH` is used instead of the nearest `selang.toml`; a missing one is exit 2."""
    (here / "selang.toml").write_text('ignore = ["SEL014"]\n')
    (here / "strict.toml").write_text('[severity]\nSEL016 = "error"\n')
    assert main(["check", "--format", "concise", "both.sel"]) == 0
    capsys.readouterr()
    assert main(["check", "--format", "concise", "--config", "strict.toml", "both.sel"]) == 1
    out = capsys.readouterr().out
    assert "SEL014 [error]" in out and "SEL016 [error]" in out
    assert main(["check", "--config", "nowhere.toml", "both.sel"]) == 2
    assert "cannot read `nowhere.toml`" in capsys.readouterr().err
    (here / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert main(["check", "--config", "pyproject.toml", "both.sel"]) == 2
    assert "`pyproject.toml` has no `[tool.selang]` table" in capsys.readouterr().err


def test_cached_results_follow_the_command_line_settings(here: Path, capsys) -> None:
    """A cached run is not replayed for a run with other `--select`, `--ignore` or `--config`."""
    os.utime(here / "both.sel", (PAST, PAST))
    (here / "quiet.toml").write_text('ignore = ["SEL0"]\n')
    os.utime(here / "quiet.toml", (PAST, PAST))
    for flags, expected in (
        ([], ["SEL014", "SEL016"]),
        (["--ignore", "SEL014"], ["SEL016"]),
        (["--config", "quiet.toml"], []),
        ([], ["SEL014", "SEL016"]),
    ):
        main(["check", "--format", "concise", *flags, "both.sel"])
        assert codes(capsys.readouterr().out) == expected, flags


def test_exit_zero_reports_errors_and_exits_0(here: Path, capsys) -> None:
    """`--exit-zero` prints every error and exits 0; an unreadable input is still exit 2."""
    assert main(["check", "--exit-zero", "--format", "concise", "both.sel"]) == 0
    assert codes(capsys.readouterr().out) == ["SEL014", "SEL016"]
    assert main(["check", "--exit-zero", "missing.sel"]) == 2


def test_output_file_gets_the_report(here: Path, capsys) -> None:
    """`--output-file` writes the report there (stdout stays empty; the summary stays on
    stderr) and replaces an earlier report; an unwritable place is exit 2."""
    report = here / "report.json"
    report.write_text("old")
    argv = ["check", "--format", "json", "--output-file", str(report), "both.sel"]
    assert main(argv) == 1
    assert capsys.readouterr().out == ""
    assert [d["code"] for d in json.loads(report.read_text())] == ["SEL014", "SEL016"]
    assert main(["check", "--output-file", "report.txt", "both.sel"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("found 1 error")
    assert "error[SEL014]" in (here / "report.txt").read_text()
    assert not [p for p in os.listdir(here) if p.startswith(".report")]
    assert main(["check", "--output-file", str(here / "no" / "r.txt"), "both.sel"]) == 2
    assert "cannot write `" in capsys.readouterr().err


def test_stdin_is_checked_under_its_name(here: Path, capsys, monkeypatch) -> None:
    """`check -` reads stdin; `--stdin-filename` names it in diagnostics and excerpts, and
    imports and settings are found from its folder, not from the working folder."""
    sub = here / "sub"
    sub.mkdir()
    (sub / "lists.sel").write_text('list dnc = "list_a"\n')
    (sub / "selang.toml").write_text('ignore = ["SEL016"]\n')
    (sub / "c.sel").write_text("# what is on disk is not what is checked\n")
    source = 'import "lists.sel"\ncampaign "c" {\n  target "list_a"\n  exclude dnc\n}\n'
    feed(monkeypatch, source.encode())
    assert main(["check", "--no-cache", "-", "--stdin-filename", "sub/c.sel"]) == 1
    out = capsys.readouterr().out
    assert "error[SEL011]" in out and "--> sub/c.sel:4:11" in out
    assert "4 |   exclude dnc" in out
    feed(monkeypatch, BOTH.encode())
    assert main(["check", "--format", "concise", "-", "--stdin-filename", "sub/c.sel"]) == 1
    assert codes(capsys.readouterr().out) == ["SEL014"]


def test_stdin_without_a_name(here: Path, capsys, monkeypatch) -> None:
    """Without `--stdin-filename`, stdin is `-`, read from the working folder; bytes that are
    not UTF-8 are a syntax error, as in a file."""
    feed(monkeypatch, BOTH.encode())
    assert main(["check", "--format", "concise", "-"]) == 1
    assert capsys.readouterr().out.startswith("-:3:")
    feed(monkeypatch, b'list a = "\xff"\n')
    assert main(["check", "--format", "concise", "-"]) == 1
    assert "SEL001 [error] file is not valid UTF-8" in capsys.readouterr().out


def test_stdin_for_fmt_and_compile(here: Path, capsys, monkeypatch) -> None:
    """`fmt -` prints the formatted text (`--check`: exit 1 when it would change);
    `compile -` prints the JSON of the campaign on stdin."""
    feed(monkeypatch, b'list  a="l"\n')
    assert main(["fmt", "-"]) == 0
    assert capsys.readouterr().out == 'list a = "l"\n'
    feed(monkeypatch, b'list  a="l"\n')
    assert main(["fmt", "--check", "-", "--stdin-filename", "x.sel"]) == 1
    assert "would reformat x.sel" in capsys.readouterr().out
    feed(monkeypatch, b'campaign "c" { target "list_a" }\n')
    assert main(["compile", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["targetListIds"] == ["list_a"]


def test_stdin_filename_needs_a_dash(here: Path, capsys) -> None:
    """`--stdin-filename` without `-` among the paths, or `-` twice, is a usage error."""
    assert main(["check", "both.sel", "--stdin-filename", "x.sel"]) == 2
    assert "give `-`" in capsys.readouterr().err
    assert main(["check", "-", "-"]) == 2
    assert "`-` (stdin) can be given once" in capsys.readouterr().err


def test_colour_follows_force_color_and_no_color(here: Path, capsys, monkeypatch) -> None:
    """FORCE_COLOR colours severities and codes of text output; NO_COLOR always wins; JSON,
    SARIF and a report file never get colour; piped output has none."""
    assert main(["check", "both.sel"]) == 1
    assert "\x1b[" not in capsys.readouterr().out
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert main(["check", "both.sel"]) == 1
    out = capsys.readouterr().out
    assert "\x1b[1;31merror[SEL014]\x1b[0m" in out and "\x1b[1;33mwarning[SEL016]\x1b[0m" in out
    assert main(["check", "--format", "concise", "both.sel"]) == 1
    assert "\x1b[1;31mSEL014\x1b[0m" in capsys.readouterr().out
    for fmt in ("json", "sarif", "github"):
        assert main(["check", "--format", fmt, "both.sel"]) == 1
        assert "\x1b[" not in capsys.readouterr().out
    assert main(["check", "--output-file", "r.txt", "both.sel"]) == 1
    assert "\x1b[" not in (here / "r.txt").read_text()
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["check", "both.sel"]) == 1
    assert "\x1b[" not in capsys.readouterr().out


def test_colour_on_a_terminal(here: Path) -> None:
    """On a terminal the report is coloured, unless NO_COLOR is set."""

    def on_terminal(**env: str) -> bytes:
        leader, follower = pty.openpty()
        environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
        for name in ("NO_COLOR", "FORCE_COLOR"):
            if name not in env:
                environment.pop(name, None)
        argv = [sys.executable, "-m", "selang", "check", "--no-cache", "both.sel"]
        subprocess.run(argv, stdout=follower, stderr=subprocess.DEVNULL, env=environment)
        os.close(follower)
        out = b""
        try:
            while chunk := os.read(leader, 4096):
                out += chunk
        except OSError:  # the terminal is closed once everything was read
            pass
        os.close(leader)
        return out

    assert b"\x1b[1;31merror[SEL014]" in on_terminal()
    assert b"\x1b[" not in on_terminal(NO_COLOR="1")


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
