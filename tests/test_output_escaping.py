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
