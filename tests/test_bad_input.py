"""Hostile and odd input to `selang check`: always a diagnostic or a clean pass, never a crash."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from selang.cli.main import main

CAMPAIGN = 'campaign "c" {\n  target "list_1"\n  exclude "list_dnc"\n}\n'


def _big() -> bytes:
    line = 'list l{i} = "list_{i:08d}_{pad}"  # from the CRM export\n'
    lines = [line.format(i=i, pad="x" * 40) for i in range(50_000)]
    return ("".join(lines) + CAMPAIGN).encode()


def _chain() -> bytes:
    lines = ["segment s0 = age >= 18"]
    lines += [f"segment s{i} = s{i - 1}" for i in range(1, 10_000)]
    return ("\n".join(lines) + "\n" + CAMPAIGN.replace("}", "  where s9999\n}")).encode()


# name → (file contents, expected exit code, text expected in the diagnostics or "")
CASES: dict[str, tuple[Callable[[], bytes], int, str]] = {
    "invalid-utf8.sel": (
        lambda: b'list a = "\xff\xfe"\n' + CAMPAIGN.encode(),
        1,
        "not valid UTF-8",
    ),
    "bom.sel": (lambda: b"\xef\xbb\xbf" + CAMPAIGN.encode(), 0, ""),
    "crlf.sel": (lambda: CAMPAIGN.replace("\n", "\r\n").encode(), 0, ""),
    "lone-cr.sel": (lambda: CAMPAIGN.replace("\n", "\r").encode(), 0, ""),
    "unterminated.sel": (lambda: b'list a = "abc\n' + CAMPAIGN.encode(), 1, "unterminated"),
    "five-megabytes.sel": (_big, 0, ""),
    "nested-parens.sel": (
        lambda: ("segment s = a in " + "(" * 10_000 + "1" + ")" * 10_000 + "\n").encode(),
        1,
        "SEL001",
    ),
    "many-items.sel": (
        lambda: (
            'campaign "c" {\n  target '
            + ", ".join(f'"list_{i}"' for i in range(10_000))
            + '\n  exclude "list_dnc"\n  where x in ('
            + ", ".join(str(i) for i in range(10_000))
            + ")\n}\n"
        ).encode(),
        0,
        "",
    ),
    "segment-chain.sel": (_chain, 0, ""),
    "doubling-segments.sel": (
        lambda: (
            "segment s0 = a == 1\n"
            + "".join(f"segment s{i} = s{i - 1} and s{i - 1}\n" for i in range(1, 64))
            + CAMPAIGN.replace("}", "  where s63\n}")
        ).encode(),
        1,
        "expands to more than",
    ),
    "nul.sel": (lambda: b'list a = "x"\x00\n' + CAMPAIGN.encode(), 1, "NUL"),
    "nul-in-string.sel": (lambda: b'list a = "x\x00y"\n', 1, "SEL001"),
    "empty.sel": (lambda: b"", 0, ""),
    "only-whitespace-and-comments.sel": (lambda: b"\n\n  # nothing here\n\t\n", 0, ""),
    "deep.json": (lambda: b"[" * 10_000 + b"]" * 10_000, 1, "SEL0"),
    "not-json.json": (lambda: b"\xff{", 1, "SEL001"),
    "array.json": (lambda: json.dumps([1, 2]).encode(), 1, "SEL015"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_survives(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`selang check` answers this input with diagnostics or a pass, with the right exit code."""
    make, expected, needle = CASES[name]
    (tmp_path / name).write_bytes(make())
    monkeypatch.chdir(tmp_path)
    code = main(["check", name])
    out, err = capsys.readouterr()
    assert code == expected, out + err
    assert "Traceback" not in err and "Traceback" not in out
    assert needle in out
    if expected == 0:
        assert out == "" and "all checks passed" in err


def test_folder_without_sel_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder with nothing to check is reported (exit 2), not passed as if all were well."""
    (tmp_path / "notes.txt").write_text("nothing", encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 2
    assert "folder holds no `.sel` files" in capsys.readouterr().out


def test_imports_of_devices_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Importing a device that never ends (`/dev/zero`) is a diagnostic, not a hang."""
    (tmp_path / "a.sel").write_text('import "/dev/zero"\n' + CAMPAIGN, encoding="utf-8")
    assert main(["check", str(tmp_path / "a.sel")]) == 1
    assert "cannot import `/dev/zero`: only `.sel` files can be imported" in capsys.readouterr().out


def test_fmt_and_decompile_survive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`fmt` and `decompile` also answer broken input with diagnostics and exit 1."""
    for name in ("invalid-utf8.sel", "nul.sel", "nested-parens.sel", "unterminated.sel"):
        (tmp_path / name).write_bytes(CASES[name][0]())
        assert main(["fmt", str(tmp_path / name)]) == 1, name
    for name in ("deep.json", "not-json.json", "array.json"):
        (tmp_path / name).write_bytes(CASES[name][0]())
        assert main(["decompile", str(tmp_path / name)]) == 1, name
    assert "Traceback" not in capsys.readouterr().err


def test_subprocess_never_shows_a_traceback(tmp_path: Path) -> None:
    """Run as `python -m selang`, hostile files give diagnostics and no traceback."""
    names = ["invalid-utf8.sel", "nul.sel", "nested-parens.sel", "segment-chain.sel", "deep.json"]
    for name in names:
        (tmp_path / name).write_bytes(CASES[name][0]())
    run = subprocess.run(
        [sys.executable, "-m", "selang", "check", *names],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    # Bad bytes, a NUL, the parentheses and the JSON are syntax errors; the chain is fine.
    assert run.stdout.count("error[SEL001]") == 4


def test_import_path_with_nul_is_a_diagnostic(tmp_path: Path) -> None:
    """An import path holding an escaped NUL character is SEL002, not an exception from `os`."""
    from selang.semantic.resolve import resolve

    program = resolve(str(tmp_path / "a.sel"), 'import "a\\u0000b"\n')
    assert [d.code for d in program.diagnostics] == ["SEL002"]
    assert "NUL" in program.diagnostics[0].message
