"""`selang fmt` and `selang decompile` from the command line: files, exit codes, streams."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from selang.cli.main import main

MESSY = 'list a="x"\ncampaign "c"{target a exclude "d"}\n'
CLEAN = 'list a = "x"\n\ncampaign "c" {\n  target a\n  exclude "d"\n}\n'


def write(path: Path, text: str, mode: int = 0o644) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_fmt_rewrites_in_place_keeping_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`fmt` rewrites a file in canonical form, keeps its permissions, and leaves no temp file."""
    path = write(tmp_path / "a.sel", MESSY, 0o640)
    assert main(["fmt", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == CLEAN
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["a.sel"]
    assert "1 file reformatted" in capsys.readouterr().err
    assert main(["fmt", str(path)]) == 0
    assert "1 file already formatted" in capsys.readouterr().err


def test_fmt_keeps_hard_links_and_owner(tmp_path: Path) -> None:
    """`fmt` writes into the same file: a hard link sees the new text, inode and owner stay."""
    path = write(tmp_path / "a.sel", MESSY)
    link = tmp_path / "b.sel"
    os.link(path, link)
    if os.geteuid() == 0:
        os.chown(path, 1234, 5678)
    before = path.stat()
    assert main(["fmt", str(path)]) == 0
    after = path.stat()
    assert link.read_text(encoding="utf-8") == CLEAN
    assert (after.st_ino, after.st_uid, after.st_gid, after.st_nlink) == (
        before.st_ino,
        before.st_uid,
        before.st_gid,
        2,
    )


def test_fmt_refuses_a_read_only_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 0444 file is left exactly as it is, with a message and exit 2, even for root."""
    path = write(tmp_path / "a.sel", MESSY, 0o444)
    assert main(["fmt", str(path)]) == 2
    assert path.read_text(encoding="utf-8") == MESSY
    assert "read-only" in capsys.readouterr().err


def test_fmt_check_changes_nothing_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`fmt --check` lists files that would change, exits 1, and leaves them untouched."""
    messy = write(tmp_path / "messy.sel", MESSY)
    clean = write(tmp_path / "clean.sel", CLEAN)
    assert main(["fmt", "--check", str(messy), str(clean)]) == 1
    assert capsys.readouterr().out == f"would reformat {messy}\n"
    assert messy.read_text(encoding="utf-8") == MESSY
    assert main(["fmt", "--check", str(clean)]) == 0


def test_fmt_diff_prints_a_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`fmt --diff` prints a unified diff of the change and leaves the file untouched."""
    path = write(tmp_path / "a.sel", MESSY)
    assert main(["fmt", "--diff", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"--- {path}\t(original)\n+++ {path}\t(formatted)\n@@")
    assert "+  target a\n" in out and '-list a="x"\n' in out
    assert path.read_text(encoding="utf-8") == MESSY


def test_fmt_folder_formats_every_sel_file(tmp_path: Path) -> None:
    """A folder argument formats every *.sel below it and nothing else."""
    (tmp_path / "sub").mkdir()
    one = write(tmp_path / "one.sel", MESSY)
    two = write(tmp_path / "sub" / "two.sel", MESSY)
    other = write(tmp_path / "notes.txt", MESSY)
    assert main(["fmt", str(tmp_path)]) == 0
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8") == CLEAN
    assert other.read_text(encoding="utf-8") == MESSY


def test_fmt_syntax_error_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file with a syntax error is left alone, its diagnostics go to stderr, and exit is 1."""
    bad = write(tmp_path / "bad.sel", "segment s = a == 1 or b == 2\n")
    good = write(tmp_path / "good.sel", MESSY)
    assert main(["fmt", str(bad), str(good)]) == 1
    assert "error[SEL001]" in capsys.readouterr().err
    assert bad.read_text(encoding="utf-8") == "segment s = a == 1 or b == 2\n"
    assert good.read_text(encoding="utf-8") == CLEAN


def test_fmt_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path that does not exist is a usage problem: exit 2 with a diagnostic."""
    assert main(["fmt", str(tmp_path / "nope.sel")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_fmt_normalises_crlf_and_bom(tmp_path: Path) -> None:
    """A file saved with a BOM and CRLF line ends is rewritten as plain UTF-8 with LF."""
    path = tmp_path / "a.sel"
    path.write_bytes(b"\xef\xbb\xbf" + CLEAN.replace("\n", "\r\n").encode())
    assert main(["fmt", "--check", str(path)]) == 1
    assert main(["fmt", str(path)]) == 0
    assert path.read_bytes() == CLEAN.encode()


def test_fmt_follows_symlinks(tmp_path: Path) -> None:
    """Formatting through a symlink rewrites the file it points to and keeps the link."""
    real = write(tmp_path / "real.sel", MESSY)
    link = tmp_path / "link.sel"
    link.symlink_to(real)
    assert main(["fmt", str(link)]) == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8") == CLEAN


def test_decompile_prints_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`decompile` prints source named after the file, which `compile` turns back into the JSON."""
    payload = {
        "targetListIds": ["t1", "t1", "t2"],
        "exclusionListIds": ["dnc"],
        "filterRules": [{"field": "since", "operator": "gt", "value": "2023-01-01"}],
        "priorityOrder": ["vip"],
    }
    path = tmp_path / "winback.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    assert main(["decompile", str(path)]) == 0
    source = capsys.readouterr().out
    assert source.startswith('campaign "winback" {\n')
    sel = write(tmp_path / "winback.sel", source)
    assert main(["compile", str(sel)]) == 0
    payload["targetListIds"] = ["t1", "t2"]
    assert json.loads(capsys.readouterr().out) == payload


def test_decompile_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Missing file → 2; invalid JSON, malformed rules and unwritable names → 1 with diagnostics."""
    assert main(["decompile", str(tmp_path / "nope.json")]) == 2
    cases = {
        "broken.json": "{not json",
        "malformed.json": '{"filterRules": [{"field": "a", "operator": "like", "value": 1}]}',
        "unwritable.json": '{"filterRules": [{"field": "a`b", "operator": "eq", "value": 1}]}',
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        capsys.readouterr()
        assert main(["decompile", str(tmp_path / name)]) == 1, name
        captured = capsys.readouterr()
        assert captured.out == "" and "error[SEL" in captured.err, name
