"""Configuration: where it is found, what it may say, how it filters and re-grades codes."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from selang.app.loader import load_selection
from selang.checks.config import DEFAULT, Config, ConfigError, Finder, parse
from selang.cli.init import starter
from selang.core.diagnostics import Severity

CONTRADICTION = 'campaign "c" {\n  target "l"\n  where a == 1 and a == 2\n}\n'


def test_nearest_file_wins(write, tmp_path: Path) -> None:
    """A selang.toml beats a pyproject.toml above it; a pyproject without the table is skipped."""
    write("pyproject.toml", "[tool.selang]\nmax-rules = 7\n")
    write("a/pyproject.toml", "[project]\nname = 'x'\n")
    write("a/b/selang.toml", "max-rules = 9\n")
    finder = Finder()
    assert finder.for_file(str(tmp_path / "c.sel")).max_rules == 7
    assert finder.for_file(str(tmp_path / "a" / "c.sel")).max_rules == 7
    assert finder.for_file(str(tmp_path / "a" / "b" / "c" / "d.sel")).max_rules == 9


def test_lookups_are_cached_per_folder(write, tmp_path: Path) -> None:
    """Each folder is looked up once per run: a file written later is not seen by that run."""
    finder = Finder()
    first = finder.for_file(str(tmp_path / "x" / "c.sel"))
    write("x/selang.toml", "max-rules = 3\n")
    assert finder.for_file(str(tmp_path / "x" / "d.sel")) is first
    assert Finder().for_file(str(tmp_path / "x" / "d.sel")).max_rules == 3


def test_select_and_ignore_by_longest_prefix() -> None:
    """The longest matching prefix decides, `ignore` winning a tie; default selects all codes."""
    config = parse({"select": ["SEL", "SEL014"], "ignore": ["SEL01"]}, "selang.toml")
    assert config.enabled("SEL014") and config.enabled("SEL024")
    assert not config.enabled("SEL016") and not config.enabled("ACME001")
    assert not parse({"ignore": ["SEL014"], "select": ["SEL014"]}, "s").enabled("SEL014")
    assert DEFAULT.enabled("ACME001")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("max-rules = 0", "`max-rules`"),
        ('max-rules = "50"', "`max-rules`"),
        ('select = ["sel01"]', "`select`"),
        ('severity = {SEL016 = "fatal"}', "`severity`"),
        ('required-exclusions = "list_dnc"', "`required-exclusions`"),
        ('fields = {age = "integer"}', "`fields`"),
        ("max_rules = 5", "`max_rules`"),
        ("max-rules = ", "not valid TOML"),
    ],
)
def test_invalid_configuration_exits_2_naming_key_and_file(write, run, text, named) -> None:
    """Each invalid setting stops `check` with exit 2 and a message naming the key and file."""
    write("selang.toml", text + "\n")
    write("c.sel", CONTRADICTION)
    code, out, err = run("check", "c.sel")
    assert code == 2 and out == ""
    assert named in err and "selang.toml" in err


def test_invalid_pyproject_names_the_table_key(write, run) -> None:
    """In pyproject.toml the key is named with its `tool.selang.` prefix."""
    write("pyproject.toml", "[tool.selang]\nmax-rule = 3\n")
    write("c.sel", CONTRADICTION)
    code, _, err = run("compile", "c.sel")
    assert code == 2 and "`tool.selang.max-rule` in `pyproject.toml`" in err


def test_severity_override_applies_to_policies_and_front_end(write) -> None:
    """`severity` re-grades a policy's code and a reader's code (SEL015) alike."""
    write("selang.toml", '[severity]\nSEL014 = "warning"\nSEL015 = "info"\n')
    camp = write(
        "c.sel",
        'campaign "c" {\n  target "l"\n  where a == 1 and a == 2 and b between 3 and 1\n}\n',
    )
    found = {d.code: d.severity for d in load_selection(str(camp)).diagnostics}
    assert found == {"SEL014": Severity.WARNING, "SEL015": Severity.INFO}


def test_ignore_applies_to_front_end_codes(write, run) -> None:
    """`ignore` hides a reader's code from `check`, but `compile` still refuses the selection
    the reader could not read whole."""
    write("selang.toml", 'ignore = ["SEL015"]\n')
    write("c.sel", 'campaign "c" {\n  target "l"\n  where a between 3 and 1\n}\n')
    code, out, _ = run("check", "c.sel")
    assert (code, out) == (0, "")
    code, out, err = run("compile", "c.sel")
    assert code == 1 and out == ""
    assert "SEL015" in err and "could not be read completely" in err


def test_starter_file_reads_back_as_the_defaults(run, tmp_path: Path) -> None:
    """`selang init` writes a commented file holding the defaults, and never overwrites one."""
    code, _, _ = run("init")
    assert code == 0
    text = (tmp_path / "selang.toml").read_text()
    assert text == starter() and text.startswith("# ")
    config = parse(tomllib.loads(text), "selang.toml")
    assert config == Config(source="selang.toml")
    (tmp_path / "selang.toml").write_text("max-rules = 3\n")
    code, _, err = run("init")
    assert code == 2 and "already exists" in err
    assert (tmp_path / "selang.toml").read_text() == "max-rules = 3\n"


def test_unreadable_toml_is_a_config_error(tmp_path: Path) -> None:
    """Broken TOML raises ConfigError naming the file, never a decoder traceback."""
    (tmp_path / "selang.toml").write_text("[[[")
    with pytest.raises(ConfigError, match=r"selang\.toml"):
        Finder().for_file(str(tmp_path / "c.sel"))
