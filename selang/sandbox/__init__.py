"""A local CXone-compatible HTTP server for trying selang and for tests (`selang sandbox`).

Public entry points: `cli_main(argv)` for the command line and `running(...)` in-process.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import contextlib

    from selang.sandbox.inprocess import Sandbox

__all__ = ["cli_main", "running"]


def cli_main(argv: Sequence[str]) -> int:
    """Run `selang sandbox` with the arguments after the command name; returns the exit code."""
    from selang.sandbox.cli import cli_main as main

    return main(argv)


def running(**options: Any) -> contextlib.AbstractContextManager[Sandbox]:
    """`with running(state_dir=..., port=0, ...) as sb:` a sandbox in a background thread.

    See `selang.sandbox.inprocess.running` for the options.
    """
    from selang.sandbox.inprocess import running as run

    return run(**options)
