"""The text format: source excerpts stay readable and current."""

from __future__ import annotations

from pathlib import Path

from selang.core.diagnostics import Span, error
from selang.report.text import render_one


def test_long_lines_are_cut_around_the_span(tmp_path: Path) -> None:
    """A 20,000-character line is shown as a window around the caret, not in full."""
    path = tmp_path / "long.sel"
    line = "x" * 10_000 + "HERE" + "y" * 10_000
    path.write_text(line + "\n")
    out = render_one(error("SEL001", "bad", Span(str(path), 1, 10_001, 1, 10_005)))
    source, carets = out.splitlines()[3:5]
    assert len(source) < 120 and "HERE" in source and source.count("...") == 2
    assert source.index("HERE") == carets.index("^^^^")


def test_an_edited_file_is_shown_as_it_is_now(tmp_path: Path) -> None:
    """Rendering twice in one process shows the file's current text, not a cached old one."""
    path = tmp_path / "a.sel"
    path.write_text("first version\n")
    span = Span(str(path), 1, 1, 1, 6)
    assert "first version" in render_one(error("SEL001", "m", span))
    path.write_text("second text, longer\n")
    assert "second text" in render_one(error("SEL001", "m", span))


def test_only_source_files_are_ever_excerpted(tmp_path: Path) -> None:
    """A diagnostic pointing into a file that is not `.sel` or `.json` shows where, never what:
    the file is not even read."""
    for name in ("notes.txt", "a.sel.bak", "environ"):
        path = tmp_path / name
        path.write_text("CLIENT_SECRET=hunter2\n")
        out = render_one(error("SEL001", "bad", Span(str(path), 1, 1, 1, 6)))
        assert "hunter2" not in out
        assert out.splitlines()[1].endswith(f"{name}:1:1")
    for name in ("c.sel", "c.json"):
        path = tmp_path / name
        path.write_text("shown\n")
        assert "1 | shown" in render_one(error("SEL001", "bad", Span(str(path), 1, 1, 1, 6)))
