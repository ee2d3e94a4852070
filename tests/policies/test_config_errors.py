"""A configuration mistake is an error that names the file, the key and the closest valid name;
it never turns checks off silently, and a syntax error can never be silenced."""

from __future__ import annotations

from pathlib import Path

import pytest

GOOD = 'campaign "c" {\n  target "l"\n}\n'
BROKEN = 'campaign "c" {\n  target\n}\n'


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ('select = ["SE014"]\n', ["`select` in `selang.toml`", "`SE014`", "`SEL014`"]),
        ('ignore = ["SEL14"]\n', ["`ignore` in `selang.toml`", "`SEL14`", "`SEL014`"]),
        ('[severity]\nSEL999 = "error"\n', ["`severity` in `selang.toml`", "`SEL999`"]),
        ('[severity]\nSEL016 = ["error"]\n', ["severity of `SEL016`", "`['error']`"]),
        ('[severity]\nSEL001 = "info"\n', ["`SEL001` (syntax error) is always an error"]),
        ("max-rule = 3\n", ["unknown key `max-rule`", "did you mean `max-rules`?"]),
        ("max-rules = 0\n", ["`max-rules` in `selang.toml` must be a positive integer"]),
        ("max-priority-depth = -2\n", ["must be a positive integer, not `-2`"]),
        ("max-rules = 1" + "0" * 5000 + "\n", ["`selang.toml` is not valid TOML", "4,300 digits"]),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", ["`selang.toml` is not valid TOML", "deep"]),
        ("max-rules = nan\n", ["must be a positive integer, not `nan`"]),
        ("max-rules = 1e400\n", ["must be a positive integer, not `inf`"]),
    ],
)
def test_bad_setting_is_a_usage_error(write, run, settings: str, words: list[str]) -> None:
    """Each bad setting exits 2 with a message naming file and key, and no traceback."""
    write("selang.toml", settings)
    write("c.sel", GOOD)
    code, out, err = run("check", "c.sel")
    assert code == 2, (out, err)
    for word in words:
        assert word in err
    assert "Traceback" not in err


def test_unknown_code_in_pyproject_is_named_with_its_table(write, run) -> None:
    """In pyproject.toml the key is spelled `tool.selang.select`."""
    write("pyproject.toml", '[tool.selang]\nselect = ["SE014"]\n')
    write("c.sel", GOOD)
    code, _, err = run("check", "c.sel")
    assert code == 2 and "`tool.selang.select` in `pyproject.toml`" in err


def test_non_utf8_settings_file(write, run, tmp_path: Path) -> None:
    """A selang.toml that is not UTF-8 is a clear error, exit 2."""
    (tmp_path / "selang.toml").write_bytes(b"max-rules = 5 # caf\xe9\n")
    write("c.sel", GOOD)
    code, _, err = run("check", "c.sel")
    assert code == 2 and "`selang.toml` is not UTF-8 text" in err and "Traceback" not in err


@pytest.mark.parametrize("settings", ['ignore = ["SEL001"]\n', 'select = ["SEL014"]\n'])
def test_syntax_errors_are_never_silenced(write, run, settings: str) -> None:
    """Neither ignoring SEL001 nor selecting only other codes lets a broken file pass."""
    write("selang.toml", settings)
    write("c.sel", BROKEN)
    code, out, _ = run("check", "--format", "concise", "c.sel")
    assert code == 1 and "SEL001" in out
