"""Contact data: runners that execute the SQL target on an engine, and the preview built on them.

A runner exposes one source as the contacts table and runs SQL printed in its dialect; adding an
engine is adding a runner. Nothing here builds SQL from strings: queries come from
`selang.targets.sql`.
"""

from __future__ import annotations

from typing import Protocol


class DataError(Exception):
    """Contact data that cannot be used (missing, unreadable, no such table or column).

    The message is for the user; the command line prints it and exits 2.
    """


class Runner(Protocol):
    """One contacts source on one engine."""

    dialect: str

    def columns(self) -> dict[str, str]:
        """Column → kind (`string`, `number`, `boolean`, `date`, `datetime`, or the engine's
        own type name, lower case, for anything else), in the source's order."""
        ...

    def rows(self, sql: str) -> list[tuple[object, ...]]: ...

    def close(self) -> None: ...


__all__ = ["DataError", "Runner"]
