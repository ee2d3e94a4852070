"""`selang diff` on the command line: §7's JSON, exit codes, unreadable input, and `--git`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from selang.cli.main import main

CAMPAIGN = """campaign "{cid}" {{
  target "list_a"
  exclude {exclude}
  where age >= {age}
}}
"""


def _write(path: Path, age: int = 18, exclude: str = '"list_dnc"', cid: str = "c1") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CAMPAIGN.format(cid=cid, age=age, exclude=exclude), encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_is_exactly_the_contract_shape(tmp_path, capsys):
    """`--format json` prints §7's object: verdict, witnesses, list changes, priority flag."""
    old, new = _write(tmp_path / "old.sel", age=17), _write(tmp_path / "new.sel", age=18)
    code, out, _ = _run(capsys, str(old), str(new), "--format", "json")
    assert code == 1
    assert json.loads(out) == {
        "verdict": "narrower",
        "gained": None,
        "lost": {"lists": ["list_a"], "fields": {"age": 17}},
        "lists": {
            "target_added": [],
            "target_removed": [],
            "exclusion_added": [],
            "exclusion_removed": [],
        },
        "priority_changed": False,
    }


def test_dates_and_nulls_in_json_witnesses(tmp_path, capsys):
    """A witness gives dates as `YYYY-MM-DD` and a null field as JSON null."""
    old = tmp_path / "old.sel"
    old.write_text('campaign "c" {\n  target "l"\n  where d > 2023-01-01\n}\n', encoding="utf-8")
    new = tmp_path / "new.sel"
    new.write_text('campaign "c" {\n  target "l"\n  where d is null\n}\n', encoding="utf-8")
    code, out, _ = _run(capsys, str(old), str(new), "--format", "json")
    result = json.loads(out)
    assert code == 1 and result["verdict"] == "incomparable"
    assert result["gained"]["fields"] == {"d": None}
    assert result["lost"]["fields"] == {"d": "2023-01-02"}


def test_same_contacts_exit_zero(tmp_path, capsys):
    """Equivalent selections exit 0 and say so."""
    old = _write(tmp_path / "old.sel")
    code, out, err = _run(capsys, str(old), str(old))
    assert (code, out, err) == (0, "equivalent: the same contacts\n", "")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: d / "missing.sel", "no such file"),
        (lambda d: d, "folder"),
        (lambda d: _bad(d / "bad.sel", 'campaign "c" {\n  target\n}\n'), "SEL001"),
        (lambda d: _bad(d / "bad.sel", 'import "gone.sel"\ncampaign "c" {}\n'), "SEL002"),
        (lambda d: _bad(d / "bad.json", "{not json"), "invalid JSON"),
    ],
)
def test_unreadable_input_exits_two_with_a_diagnostic(tmp_path, capsys, make, message):
    """A missing, folder, syntactically broken or unresolved input is a diagnostic and exit 2."""
    old = _write(tmp_path / "ok.sel")
    code, out, err = _run(capsys, str(old), str(make(tmp_path)))
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def _bad(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_usage_errors_exit_two(tmp_path, capsys):
    """One file without `--git`, or an unknown format, is a usage error."""
    old = _write(tmp_path / "old.sel")
    assert _run(capsys, str(old))[0] == 2
    assert _run(capsys, str(old), str(old), "--format", "yaml")[0] == 2


# --- --git ---------------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "lists.sel").write_text('list dnc = "list_dnc"\n', encoding="utf-8")
    for name in ("a", "b", "gone"):
        path = _write(tmp_path / "campaigns" / f"{name}.sel", exclude="dnc", cid=name)
        path.write_text('import "../lists.sel"\n' + path.read_text(), encoding="utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "first")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_git_compares_each_campaign_with_its_revision(repo, capsys):
    """Each `.sel` under the folder is compared with REV; new and deleted files say so."""
    _write(repo / "campaigns" / "a.sel", age=21, exclude='"list_dnc"', cid="a")
    _write(repo / "campaigns" / "new.sel", cid="new")
    (repo / "campaigns" / "gone.sel").unlink()
    code, out, err = _run(capsys, "--git", "HEAD", "campaigns")
    assert err == ""
    assert code == 1
    assert out.splitlines() == [
        "campaigns/a.sel (campaign `a`): narrower: no longer dials contacts like age 18 in list_a",
        "campaigns/b.sel (campaign `b`): equivalent: the same contacts",
        "campaigns/gone.sel (campaign `gone`): file deleted",
        "campaigns/new.sel (campaign `new`): new file, not at the revision",
        "3 of 4 campaign(s) would select other contacts",
    ]


def test_git_resolves_old_imports_at_the_revision(repo, capsys):
    """A library changed since REV is read as it was there for the old side."""
    (repo / "lists.sel").write_text('list dnc = "list_dnc_new"\n', encoding="utf-8")
    code, out, _ = _run(capsys, "--git", "HEAD", "campaigns/b.sel", "--format", "json")
    (item,) = json.loads(out)
    assert code == 1
    assert item["path"] == "campaigns/b.sel" and item["status"] == "compared"
    assert item["lists"]["exclusion_removed"] == ["list_dnc"]
    assert item["lists"]["exclusion_added"] == ["list_dnc_new"]


def test_git_unchanged_files_exit_zero(repo, capsys):
    """Nothing changed since REV: exit 0."""
    assert _run(capsys, "--git", "HEAD", "campaigns")[0] == 0


def test_git_bad_revision_or_no_repository_exit_two(repo, tmp_path_factory, capsys):
    """An unknown revision, or files outside a git work tree, is a diagnostic and exit 2."""
    code, _, err = _run(capsys, "--git", "no-such-rev", "campaigns")
    assert code == 2 and "unknown revision `no-such-rev`" in err
    outside = _write(tmp_path_factory.mktemp("plain") / "x.sel")
    code, _, err = _run(capsys, "--git", "HEAD", str(outside))
    assert code == 2 and "git" in err.lower() and "Traceback" not in err


def test_git_names_an_unreadable_old_version_by_its_revision(repo, capsys):
    """A version at REV that cannot be read is a diagnostic naming `REV:path`, and exit 2."""
    broken = repo / "campaigns" / "broken.sel"
    broken.write_text('campaign "x" {\n  target\n}\n', encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "broken")
    _write(broken, cid="x")
    code, out, err = _run(capsys, "--git", "HEAD", "campaigns/broken.sel")
    assert code == 2 and out == ""
    assert "HEAD:campaigns/broken.sel" in err and "SEL001" in err
