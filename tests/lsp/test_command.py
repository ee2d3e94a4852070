"""`selang lsp` as a command: without pygls it says how to get it; with it, it serves."""

from __future__ import annotations

import sys

import pytest

from selang.cli.main import main


def test_without_pygls_the_command_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With pygls missing, `selang lsp` exits 2 and says which extra to install."""
    monkeypatch.setitem(sys.modules, "pygls", None)
    assert main(["lsp"]) == 2
    assert "pip install 'selang-cxone[lsp]'" in capsys.readouterr().err


def test_help_lists_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    """`selang --help` shows `lsp` among the commands."""
    assert main(["--help"]) == 0
    assert "lsp" in capsys.readouterr().out
