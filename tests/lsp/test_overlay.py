"""The editor's open documents come before the disk, for imports and for suppressions."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pygls")

from selang.lsp.workspace import Document, Workspace, check, overlay
from selang.semantic.resolve import resolve


def test_resolve_reads_imports_through_the_reader(tmp_path: Path) -> None:
    """An import is resolved from the overlay's text, not from the file on disk."""
    (tmp_path / "lib.sel").write_text('list leads = "on_disk"\n')
    root = tmp_path / "c.sel"
    text = 'import "lib.sel"\ncampaign "c" {\n  target leads\n}\n'
    unsaved = {str((tmp_path / "lib.sel").resolve()): 'list leads = "unsaved"\n'}
    program = resolve(str(root), text, read=overlay(unsaved))
    assert program.selection is not None
    assert [r.id for r in program.selection.targets] == ["unsaved"]
    on_disk = resolve(str(root), text)
    assert on_disk.selection is not None
    assert [r.id for r in on_disk.selection.targets] == ["on_disk"]


def test_suppressions_are_read_from_the_unsaved_text(tmp_path: Path) -> None:
    """A suppression alone on its line in the editor's text covers the line below, even when
    the file on disk holds something else."""
    path = tmp_path / "c.sel"
    # On disk, the comment's line has text before the comment's column: it would look like a
    # trailing comment that covers only its own line.
    path.write_text('list placeholder = "x"\n' * 5)
    text = 'campaign "c" {\n  target "l"\n  # selang: ignore[SEL016]\n  priority a, a\n}\n'
    workspace = Workspace()
    doc = workspace.open(path.as_uri(), text, 1)
    result = check(doc, workspace.texts())
    assert "SEL016" not in [d.code for d in result.diagnostics]
    assert "SEL024" not in [d.code for d in result.diagnostics]


def test_dependants_are_the_open_files_that_read_a_library(tmp_path: Path) -> None:
    """After a check, the documents whose result read a library are its dependants."""
    (tmp_path / "lib.sel").write_text('list leads = "l"\n')
    workspace = Workspace()
    lib = workspace.open((tmp_path / "lib.sel").as_uri(), 'list leads = "l"\n', 1)
    user = workspace.open(
        (tmp_path / "c.sel").as_uri(), 'import "lib.sel"\ncampaign "c" {\n  target leads\n}\n', 1
    )
    other = workspace.open((tmp_path / "d.sel").as_uri(), 'campaign "d" {\n  target "x"\n}\n', 1)
    for doc in (lib, user, other):
        workspace.checked[doc.uri] = check(Document(doc.uri, doc.path, doc.text), workspace.texts())
    assert workspace.dependants(lib.uri) == [user.uri]
