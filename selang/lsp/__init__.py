"""`selang lsp`: a Language Server Protocol server over stdio for `.sel` files.

A thin adapter on pygls (the optional extra `[lsp]`) over the same check engine, policies and
settings as `selang check`; `selang.lsp.workspace` holds the open documents the resolver reads
before the disk.
"""

from __future__ import annotations

INSTALL_HINT = "the language server needs the `lsp` extra: pip install 'selang-cxone[lsp]'"


def available() -> bool:
    """Whether pygls can be imported."""
    try:
        import pygls.lsp.server  # noqa: F401
    except ImportError:
        return False
    return True


def serve() -> None:
    """Serve one client on stdin/stdout until it says `exit`."""
    from selang.lsp.server import build

    build().ls.start_io()
