"""The check cache: an unchanged run reuses its results; any change to what it read does not."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from selang.app import checkcache
from selang.cli.main import main

PAST = time.time() - 60  # older than the racy window, so results may be kept


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (PAST, PAST))


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SELANG_NO_CACHE", raising=False)
    write(tmp_path / "lib.sel", 'list dnc = "list_dnc"\n')
    write(tmp_path / "c.sel", 'import "lib.sel"\ncampaign "c" {\n  target "t"\n  exclude dnc\n}\n')
    return tmp_path


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", "--format", "concise", *args])
    return code, capsys.readouterr().out


def forbid_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    import selang.app.loader

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("the files were checked again")

    monkeypatch.setattr(selang.app.loader, "load_selections", fail)


def test_unchanged_run_is_replayed(tree: Path, capsys, monkeypatch) -> None:
    """A second identical run prints the same output without checking anything again."""
    first = check(capsys, "c.sel")
    forbid_loading(monkeypatch)
    assert check(capsys, "c.sel") == first


def test_changed_import_is_checked_again(tree: Path, capsys) -> None:
    """Editing an imported library invalidates the campaign's cached result."""
    assert check(capsys, "c.sel") == (0, "")
    write(tree / "lib.sel", 'list dnc = "t"\n')  # now the exclusion overlaps the target
    code, out = check(capsys, "c.sel")
    assert code == 1 and "SEL011" in out


def test_new_configuration_file_is_noticed(tree: Path, capsys) -> None:
    """A selang.toml created next to the file changes the result, though no input changed."""
    check(capsys, "c.sel")
    write(tree / "selang.toml", 'required-exclusions = ["list_other"]\n')
    code, out = check(capsys, "c.sel")
    assert code == 1 and "SEL021" in out


def test_missing_import_that_appears_is_noticed(tree: Path, capsys) -> None:
    """An import that did not exist is looked for again once the file is there."""
    write(tree / "d.sel", 'import "later.sel"\ncampaign "d" {\n  target x\n}\n')
    assert check(capsys, "d.sel")[0] == 1
    write(tree / "later.sel", 'list x = "list_x"\n')
    assert check(capsys, "d.sel") == (0, "")


def test_recent_changes_are_not_cached(tree: Path, capsys, monkeypatch) -> None:
    """Results that depend on a file changed moments ago are not kept (its mtime may repeat)."""
    (tree / "c.sel").write_text((tree / "c.sel").read_text())  # mtime: now
    check(capsys, "c.sel")
    assert checkcache.lookup(["c.sel"]) is None


def test_no_cache_flag_and_variable_check_again(tree: Path, capsys, monkeypatch) -> None:
    """`--no-cache` and SELANG_NO_CACHE=1 always check the files again."""
    check(capsys, "c.sel")
    forbid_loading(monkeypatch)
    with pytest.raises(AssertionError, match="checked again"):
        check(capsys, "--no-cache", "c.sel")
    monkeypatch.setenv("SELANG_NO_CACHE", "1")
    with pytest.raises(AssertionError, match="checked again"):
        check(capsys, "c.sel")


def test_installed_distributions_count_other_files_do_not(
    tree: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file created in a `sys.path` folder (the working directory under `python -m selang`)
    keeps the cached result; a distribution installed there, which may bring policies, does not."""
    site = tree / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    first = check(capsys, "c.sel")
    (site / "notes.txt").write_text("unrelated")
    with monkeypatch.context() as m:
        forbid_loading(m)
        assert check(capsys, "c.sel") == first
    dist = site / "acme_policies-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-policies\nVersion: 1.0\n")
    forbid_loading(monkeypatch)
    with pytest.raises(AssertionError, match="checked again"):
        check(capsys, "c.sel")


def test_same_size_same_mtime_copy_is_checked_again(tree: Path, capsys) -> None:
    """`cp -p` of another file of the same size and modification time gives the new verdict."""
    assert check(capsys, "c.sel") == (0, "")
    # `exclude "t"` overlaps the target (SEL011): same length as `exclude dnc`, same mtime
    write(tree / "c.sel", 'import "lib.sel"\ncampaign "c" {\n  target "t"\n  exclude "t"\n}\n')
    code, out = check(capsys, "c.sel")
    assert code == 1 and "SEL011" in out


def test_devices_and_oversized_files_are_stamped_without_reading(tmp_path: Path) -> None:
    """`/dev/zero` (an import the reader refuses) is stamped by time and size, never read."""
    from selang.syntax.source import MAX_BYTES

    assert checkcache.MAX_HASHED == MAX_BYTES
    if os.path.exists("/dev/zero"):
        assert len(checkcache.content_stamp("/dev/zero") or []) == 2


@pytest.mark.parametrize("damage", [b"{not json", b"[" * 100_000 + b"]" * 100_000, b"\xff"])
def test_damaged_cache_entry_is_a_miss(tree: Path, capsys, damage: bytes) -> None:
    """A cache file that is not our JSON (cut short, nested past any decoder, not UTF-8) is
    ignored and the files are checked again, never a traceback."""
    from selang.core.cachedir import cache_file

    assert check(capsys, "c.sel") == (0, "")
    path = cache_file("check", checkcache._key(["c.sel"], ()))
    assert path is not None and Path(path).is_file()
    Path(path).write_bytes(damage)
    write(tree / "lib.sel", 'list dnc = "t"\n')  # so only a real check gives SEL011
    code, out = check(capsys, "c.sel")
    assert code == 1 and "SEL011" in out


def test_a_project_marker_removed_is_checked_again(tree: Path, capsys, monkeypatch) -> None:
    """Whether an import may leave a folder depends on the project markers above it: removing
    the `.git` that made `sub/` a work tree of its own lets its import reach up, and the cached
    refusal is not replayed."""
    write(tree / "selang.toml", "")
    write(tree / "sub" / "c.sel", 'import "../lib.sel"\ncampaign "c" {\n  target "t"\n}\n')
    (tree / "sub" / ".git").mkdir()
    os.utime(tree / "sub" / ".git", (PAST, PAST))
    code, out = check(capsys, "sub/c.sel")
    assert code == 1 and "it is outside the project" in out
    (tree / "sub" / ".git").rmdir()
    assert check(capsys, "sub/c.sel") == (0, "")
    forbid_loading(monkeypatch)
    assert check(capsys, "sub/c.sel") == (0, "")
