"""`selang.app`: the use cases return what happened, and one rule decides what may leave selang."""

from __future__ import annotations

from pathlib import Path

import pytest

from selang.app.check import check
from selang.app.compile import compile_file, refusal
from selang.app.loader import load_selection
from selang.app.remote import load_desired
from selang.cli.main import main

CAMPAIGN = 'campaign "{cid}" {{\n  target "list_a"\n  exclude "list_dnc"\n}}\n'
LIBRARY = 'list dnc = "list_dnc"\n'
BROKEN = 'campaign "c9" { target "l1" where age >< 3 }\n'
# An ignored reading error (SEL015): `check` passes, but the rule is missing.
SILENCED = 'campaign "c8" {\n  target "l"\n  where a between 3 and 1\n}\n'


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_refusal_names_why_a_selection_may_not_leave(tmp_path: Path) -> None:
    """Each reason comes out of `refusal`, and a clean campaign gets none."""
    cases = {
        write(tmp_path, "ok.sel", CAMPAIGN.format(cid="c1")): None,
        write(tmp_path, "lib.sel", LIBRARY): "empty",
        write(tmp_path, "bad.sel", BROKEN): "errors",
        str(tmp_path / "missing.sel"): "unreadable",
    }
    assert {path: refusal(load_selection(path)) for path in cases} == cases


def test_silenced_reading_error_refuses_compile_and_apply(tmp_path: Path) -> None:
    """A reading error that configuration downgraded still keeps the file from compiling or
    being sent, though `check` passes."""
    (tmp_path / "selang.toml").write_text('ignore = ["SEL015"]\n', encoding="utf-8")
    path = write(tmp_path, "c8.sel", SILENCED)
    assert check([path], use_cache=False).passed
    compiled = compile_file(path)
    assert (compiled.refusal, compiled.output) == ("incomplete", None)
    assert compiled.loaded.overridden
    loaded = load_desired([path])
    assert not loaded.ok and loaded.desired == ()
    assert loaded.files[0].refusal == "incomplete"


def test_load_desired_refuses_a_campaign_given_twice(tmp_path: Path) -> None:
    """Two files with one campaign id: the first is kept, the second names the first."""
    first = write(tmp_path, "a.sel", CAMPAIGN.format(cid="c1"))
    second = write(tmp_path, "b.sel", CAMPAIGN.format(cid="c1"))
    loaded = load_desired([first, second])
    assert [d.source for d in loaded.desired] == [first]
    report = loaded.files[1]
    assert (report.refusal, report.campaign_id, report.other) == ("duplicate", "c1", first)


def test_apply_names_a_file_without_campaign(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`apply` of a library file says it has no campaign, exits 1 and opens no connection."""
    lib = write(tmp_path, "lib.sel", LIBRARY)
    state = str(tmp_path / "state")
    assert main(["apply", lib, "--yes", "--sandbox", "--state-dir", state]) == 1
    err = capsys.readouterr().err
    assert f"`{lib}` has no campaign to apply" in err
    assert "nothing was sent" in err
    assert not (tmp_path / "state").exists()


def test_apply_refuses_one_campaign_in_two_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two files for one campaign are a usage error (exit 2) found before connecting."""
    a = write(tmp_path, "a.sel", CAMPAIGN.format(cid="c1"))
    b = write(tmp_path, "b.sel", CAMPAIGN.format(cid="c1"))
    state = str(tmp_path / "state")
    assert main(["apply", a, b, "--yes", "--sandbox", "--state-dir", state]) == 2
    assert f"campaign `c1` is in both `{a}` and `{b}`" in capsys.readouterr().err


def test_check_reports_invalid_settings_as_a_result(tmp_path: Path) -> None:
    """Invalid settings come back in the run, with nothing checked, rather than raised."""
    (tmp_path / "selang.toml").write_text("max-rules = -1\n", encoding="utf-8")
    path = write(tmp_path, "c1.sel", CAMPAIGN.format(cid="c1"))
    run = check([path], use_cache=False)
    assert run.invalid_config is not None and "max-rules" in run.invalid_config
    assert run.diagnostics == ()
