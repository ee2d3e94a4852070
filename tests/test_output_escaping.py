"""User-provided text in text and concise output is escaped: no raw control or bidirectional
character reaches a terminal, and no line can pass for a CI workflow command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from selang.cli.main import main

HOSTILE = "x\n::warning file=x::injected\x1b[31m\x00\u202eevil"


def check(capsys: pytest.CaptureFixture[str], fmt: str, *paths: str) -> str:
    main(["check", "--format", fmt, *paths])
    return capsys.readouterr().out


def write_selection(path: Path, list_id: str) -> None:
    selection = {"targetListIds": [list_id], "exclusionListIds": [list_id]}
    path.write_text(json.dumps(selection), encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "concise"])
def test_list_id_with_newline_escape_and_bidi_is_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """A list id holding a newline, `::warning`, ESC, NUL and U+202E is printed as escapes."""
    monkeypatch.chdir(tmp_path)
    write_selection(tmp_path / "s.json", HOSTILE)
    out = check(capsys, fmt, "s.json")
    assert "SEL011" in out
    assert "x\\n::warning file=x::injected\\u001b[31m\\u0000\\u202eevil" in out
    assert not any(line.startswith("::") for line in out.splitlines())
    assert not set(out) & {"\x1b", "\x00", "\u202e"}


def test_concise_path_never_starts_a_workflow_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file named like a workflow command is shown as `./::...` in concise output."""
    monkeypatch.chdir(tmp_path)
    write_selection(tmp_path / "::error file=a::b.json", "l")
    out = check(capsys, "concise", "::error file=a::b.json")
    assert out.startswith("./::error file=a::b.json:")
    assert not any(line.startswith("::") for line in out.splitlines())


def test_excerpt_escapes_the_source_line_and_keeps_the_carets_under_the_span(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A raw U+202E where a field should be is escaped, and the carets mark its escape."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.sel").write_text('campaign "c" { target "l" where \u202e == 1 }\n')
    out = check(capsys, "text", "d.sel")
    assert "\u202e" not in out
    lines = out.splitlines()
    source = next(line for line in lines if "\\u202e" in line)
    carets = lines[lines.index(source) + 1]
    column = source.index("\\u202e")
    assert carets.index("^") == column and carets.count("^") == len("\\u202e")


def test_a_file_name_that_is_not_utf8_is_escaped_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name with a byte that is not UTF-8 is checked in every format, onto a UTF-8 stdout
    as the console script has it and into `--output-file`, as escapes (`\\udcff`, `%FF` in a
    SARIF URI), never as a traceback."""
    import io
    import os
    import sys

    from selang.cli.main import OUTPUT_ERRORS
    from selang.report import FORMATS

    monkeypatch.chdir(tmp_path)
    name = os.fsdecode(b"\xff.sel")
    (tmp_path / name).write_text('campaign "c" { target "l" where age < 3 and age > 5 }\n')
    for fmt in FORMATS:
        stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors=OUTPUT_ERRORS)
        monkeypatch.setattr(sys, "stdout", stdout)
        assert main(["check", "--no-cache", "--format", fmt, name]) == 1
        stdout.flush()
        shown = stdout.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]
        assert "SEL014" in shown and ("\\udcff" in shown or "%FF" in shown), fmt
        assert main(["check", "--format", fmt, "--output-file", "r.txt", name]) == 1
        assert "SEL014" in (tmp_path / "r.txt").read_text(encoding="utf-8")


def test_console_script_escapes_what_stdout_cannot_encode(tmp_path: Path) -> None:
    """Under a UTF-8 locale, a file name that is not UTF-8 reaches stdout as `\udcff`: in
    `fmt --check`'s list, and in GitHub annotations, which keep names as they are."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    name = os.fsdecode(b"\xff.sel")
    (tmp_path / name).write_text('list  a = "b"\n')
    env = {**os.environ, "PYTHONPATH": str(root), "LC_ALL": "C.UTF-8", "PYTHONUTF8": "0"}
    env.pop("PYTHONIOENCODING", None)

    def selang(*args: str) -> subprocess.CompletedProcess[bytes]:
        argv = [sys.executable, "-m", "selang", *args]
        return subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True)

    done = selang("fmt", "--check", name)
    assert (done.returncode, done.stdout) == (1, b"would reformat \\udcff.sel\n"), done.stderr
    (tmp_path / name).write_text('campaign "c" { target "l" where age < 3 and age > 5 }\n')
    done = selang("check", "--no-cache", "--format", "github", name)
    assert done.returncode == 1 and b"file=\\udcff.sel," in done.stdout, done.stderr


def test_json_writes_a_lone_surrogate_as_its_escape() -> None:
    """A file name held as a lone surrogate is written in JSON as `\\udcff`: the text is UTF-8
    (a plan file naming that source can be saved) and reads back as the same string."""
    from selang.core import jsonio

    value = {"source\udcff": ["x\udcffy", "é", "\u2028"]}
    text = jsonio.dumps(value, indent=2)
    assert "\\udcff" in text and "é" in text
    assert json.loads(text.encode("utf-8")) == value
