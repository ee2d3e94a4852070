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
    "long-integer.sel": (lambda: _where("x > 1" + "0" * 5000), 1, "more than 4,300 digits"),
    "long-decimal.sel": (lambda: _where("x > 0." + "0" * 5000 + "1"), 1, "4,300 digits"),
    "digits-4300.sel": (lambda: _where("x < 1" + "0" * 4299), 0, ""),
    "long-integer.json": (lambda: _rule_json("1" + "0" * 5000), 1, "more than 4,300 digits"),
    "long-exponent.json": (lambda: _rule_json("1e5000"), 1, "more than 4,300 digits"),
    "small-exponent.json": (lambda: _rule_json("1e-5000"), 1, "more than 4,300 digits"),
    "exponent-400.json": (lambda: _rule_json("1e400"), 0, ""),
    "nan.json": (lambda: _rule_json("NaN"), 1, "`NaN` is not a JSON number"),
    "infinity.json": (lambda: _rule_json("Infinity"), 1, "`Infinity` is not a JSON number"),
    "minus-infinity.json": (lambda: _rule_json("-Infinity"), 1, "`-Infinity` is not"),
    "duplicate-key.json": (
        lambda: b'{"targetListIds": ["l1"], "targetListIds": ["l2"]}',
        1,
        "duplicate key `targetListIds`",
    ),
    "duplicate-rule-key.json": (
        lambda: _rule_json('"a", "value": "b"'),
        1,
        "duplicate key `value`",
    ),
    "deep-150.json": (lambda: _rule_json("[" * 150 + "]" * 150), 1, "nested more than 100"),
}


def _where(condition: str) -> bytes:
    return CAMPAIGN.replace("}", f"  where {condition}\n}}").encode()


def _rule_json(value: str) -> bytes:
    rule = '{"field": "x", "operator": "lt", "value": ' + value + "}"
    return ('{"targetListIds": ["l1"], "filterRules": [' + rule + "]}").encode()


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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("NaN", "4:47: SEL001 [error] `NaN` is not a JSON number"),
        ("1" + "0" * 5000, "4:47: SEL001 [error] number has more than 4,300 digits"),
        # the 98th bracket of the value is the 101st level, under the document, list and rule
        ("[" * 101 + "]" * 101, "4:144: SEL001 [error] arrays and objects nested more than 100"),
        ('1, "operator": "gt"', "4:50: SEL001 [error] duplicate key `operator`"),
    ],
    ids=["nan", "long-integer", "deep", "duplicate-key"],
)
def test_json_refusals_point_at_their_place(
    value: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the JSON reader refuses is reported at the line and column of the token to blame."""
    rule = '{"field": "a", "operator": "eq", "value": ' + value + "}"
    text = '{\n  "targetListIds": ["l1"],\n  "filterRules": [\n    ' + rule + "\n  ]\n}\n"
    (tmp_path / "rules.json").write_text(text, encoding="utf-8")
    assert main(["check", "--format", "concise", str(tmp_path / "rules.json")]) == 1
    assert capsys.readouterr().out.startswith(f"{tmp_path / 'rules.json'}:{expected}")


def test_a_file_over_the_size_limit_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file one byte over 64 MiB is SEL001 naming the limit; a sparse file, so never read."""
    from selang.syntax.source import MAX_BYTES

    assert MAX_BYTES == 64 * 1024 * 1024  # the limit docs/language.md gives
    huge = tmp_path / "huge.sel"
    with huge.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    assert main(["check", str(huge)]) == 1
    out = capsys.readouterr().out
    assert "SEL001" in out and "67,108,865 bytes; at most 64 MiB is read" in out


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
    names = ("invalid-utf8.sel", "nul.sel", "nested-parens.sel", "unterminated.sel")
    for name in (*names, "long-integer.sel", "long-decimal.sel"):
        (tmp_path / name).write_bytes(CASES[name][0]())
        assert main(["fmt", str(tmp_path / name)]) == 1, name
    for name in ("long-integer.sel", "long-decimal.sel"):
        (tmp_path / name).write_bytes(CASES[name][0]())
        assert main(["compile", str(tmp_path / name)]) == 1, name
    json_names = ["deep.json", "not-json.json", "array.json", "long-integer.json", "nan.json"]
    json_names += ["long-exponent.json", "duplicate-key.json", "deep-150.json"]
    for name in json_names:
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


# Peak memory of `selang check` on one file: linear in its size with a small constant.
_RSS_PROBE = """
import resource, subprocess, sys
run = subprocess.run([sys.executable, "-m", "selang", "check", "--no-cache", sys.argv[1]],
                     capture_output=True, text=True)
print(run.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(run.stdout[:300], file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("after", "expected"),
    [("", 0), (' and note == "other"', 1)],
    ids=["passes", "contradiction-shown-on-the-line"],
)
def test_a_ten_megabyte_string_checks_in_linear_memory(
    tmp_path: Path, after: str, expected: int
) -> None:
    """A 10 MB string literal is checked, and a diagnostic on its line shown, with a peak RSS
    of at most 10x the file's size + 60 MB (about 54 MB and 70 MB measured)."""
    chunk = "spring leads, caf\u00e9 \\n \\u00e9 \\\\ x" * 32
    body = chunk * (10_000_000 // len(chunk.encode()))
    source = f'campaign "c" {{\n  target "list_1"\n  where note == "{body}"{after}\n}}\n'
    big = tmp_path / "big.sel"
    big.write_text(source, encoding="utf-8")
    # A fresh parent, so that RUSAGE_CHILDREN sees this one child and no earlier test's.
    probe = subprocess.run(
        [sys.executable, "-c", _RSS_PROBE, str(big)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    code, peak_kb = map(int, probe.stdout.split())
    assert code == expected, probe.stderr
    size = big.stat().st_size
    assert peak_kb * 1024 <= 10 * size + 60 * 1024 * 1024, (peak_kb, size)
