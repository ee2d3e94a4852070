"""The per-user cache folder (grammar tables, the entry-point index): private, never in /tmp."""

from __future__ import annotations

import functools
import os
from pathlib import Path


@functools.cache
def user_cache_dir() -> Path | None:
    """`$XDG_CACHE_HOME/selang` (or the platform's equivalent), mode 0700; None if unusable."""
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA")
        root = Path(base) if base else Path.home() / "AppData" / "Local"
    else:
        base = os.environ.get("XDG_CACHE_HOME")
        root = Path(base) if base else Path.home() / ".cache"
    folder = root / "selang"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


def write_atomic(path: Path, data: bytes) -> None:
    """Best effort: a cache that cannot be written is simply not used next time."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
