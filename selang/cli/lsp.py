"""`selang lsp`: the language server over stdio (`selang.lsp`)."""

from __future__ import annotations

import argparse
import sys

USAGE = 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lsp = sub.add_parser(
        "lsp",
        help="serve the Language Server Protocol on stdin/stdout for editors",
        description="Run the selang language server over stdio: diagnostics as you type, "
        "formatting, hover, go-to-definition, references, symbols, completion and quick "
        "fixes. Editors start it themselves (docs/editors.md).",
    )
    lsp.set_defaults(run=run_lsp)


def run_lsp(args: argparse.Namespace) -> int:
    from selang import lsp

    if not lsp.available():
        sys.stderr.write(f"selang: {lsp.INSTALL_HINT}\n")
        return USAGE
    lsp.serve()
    return 0
