"""Change policies and `plan`: a dropped exclusion (SEL040) or required exclusion (SEL041) is
flagged, severities follow configuration, and `plan` shows each campaign's verdict."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from selang.checks.registry import registry
from selang.cli.main import main

CAMPAIGN = 'campaign "c1" {{\n  target "list_a"\n  {exclude}\n  where age >= {age}\n}}\n'


@pytest.fixture(autouse=True)
def _registered() -> None:
    missing = [c for c in ("SEL040", "SEL041") if registry().get(c) is None]
    assert not missing, f"{missing} not registered: reinstall the package (`pip install -e .`)"


def _sel(path: Path, age: int = 18, exclude: str = 'exclude "list_dnc"') -> str:
    path.write_text(CAMPAIGN.format(age=age, exclude=exclude), encoding="utf-8")
    return str(path)


def test_a_dropped_exclusion_is_a_warning(tmp_path, capsys):
    """`diff` reports SEL040 under the verdict when NEW stops excluding a list."""
    old, new = _sel(tmp_path / "old.sel"), _sel(tmp_path / "new.sel", exclude="")
    assert main(["diff", old, new]) == 1
    out = capsys.readouterr().out
    assert "broader: now also dials contacts like age 18 in list_a and list_dnc" in out
    assert "warning[SEL040]: campaign `c1` no longer excludes `list_dnc`" in out


def test_configuration_raises_the_severity_or_ignores_it(tmp_path, capsys):
    """`severity = { SEL040 = "error" }` makes it an error; `ignore` drops it."""
    old, new = _sel(tmp_path / "old.sel"), _sel(tmp_path / "new.sel", exclude="")
    config = tmp_path / "selang.toml"
    config.write_text('severity = { SEL040 = "error" }\n', encoding="utf-8")
    main(["diff", old, new])
    assert "error[SEL040]" in capsys.readouterr().out
    config.write_text('ignore = ["SEL040"]\n', encoding="utf-8")
    main(["diff", old, new])
    assert "SEL040" not in capsys.readouterr().out


def test_json_keeps_the_contract_shape_and_reports_on_stderr(tmp_path, capsys):
    """With `--format json` the finding goes to stderr, so stdout stays §7's object."""
    old, new = _sel(tmp_path / "old.sel"), _sel(tmp_path / "new.sel", exclude="")
    main(["diff", old, new, "--format", "json"])
    captured = capsys.readouterr()
    assert "SEL040" not in captured.out and "warning[SEL040]" in captured.err


def test_no_finding_without_a_change(tmp_path, capsys):
    """`selang check` of one selection never reports a change policy."""
    assert main(["check", _sel(tmp_path / "one.sel")]) == 0
    assert "SEL04" not in capsys.readouterr().out


def test_required_exclusion_dropped_since_the_revision(tmp_path, monkeypatch, capsys):
    """`diff --git` compares `required-exclusions` at REV with now (SEL041)."""
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    config = tmp_path / "selang.toml"
    config.write_text('required-exclusions = ["list_dnc", "list_lit"]\n', encoding="utf-8")
    _sel(tmp_path / "c.sel", exclude='exclude "list_dnc", "list_lit"')
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=tmp_path, check=True, capture_output=True)
    config.write_text('required-exclusions = ["list_dnc"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "--git", "HEAD", "c.sel"]) == 0
    out = capsys.readouterr().out
    assert "warning[SEL041]: `required-exclusions` no longer requires `list_lit`" in out


def test_plan_shows_the_verdict_and_the_finding(tmp_path, monkeypatch, capsys):
    """`plan` against the sandbox shows the change's verdict, witness and SEL040."""
    monkeypatch.chdir(tmp_path)
    state = ["--sandbox", "--state-dir", str(tmp_path / "state")]
    src = tmp_path / "c.sel"
    assert main(["apply", *state, _sel(src, age=17), "--yes"]) == 0
    capsys.readouterr()
    assert main(["plan", *state, _sel(src, age=18, exclude="")]) == 0
    out = capsys.readouterr().out
    assert (
        "  contacts: incomparable: now dials contacts like age 18 in list_a and list_dnc; "
        "no longer dials contacts like age 17 in list_a\n" in out
    )
    assert "  warning[SEL040]: campaign `c1` no longer excludes `list_dnc`" in out
    assert main(["plan", *state, _sel(src, age=17)]) == 0
    assert "contacts:" not in capsys.readouterr().out  # no change, no verdict
