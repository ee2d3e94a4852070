"""Errors shared by every layer: settings that cannot be used, and a disk with no room."""

from __future__ import annotations

import errno
import os


class ConfigError(Exception):
    """Settings that cannot be used (a configuration file, flags, the environment); the message
    names the file, key or variable, and the command exits 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DiskFull(OSError):
    """A write found no room on its disk (`ENOSPC`, a quota's `EDQUOT`, SQLite's `SQLITE_FULL`);
    `message` names the file. An `OSError`, so code that tolerates a failed write (a cache)
    tolerates this one too."""

    exit_code = 2

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(errno.ENOSPC, "disk full", os.fspath(path))
        self.message = f"disk full: cannot write `{self.filename}`"

    def __str__(self) -> str:
        return self.message
