"""The per-user cache folder (grammar tables, the entry-point index): private, never in /tmp."""

from __future__ import annotations

import functools
import hashlib
import json
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


KEEP = 32  # cache files of one kind kept; older ones are removed when a new one is written


def cache_file(kind: str, key: object) -> Path | None:
    """The file for `key` (any JSON-able value) among the cached files of one `kind`."""
    folder = user_cache_dir()
    if folder is None:
        return None
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:24]
    return folder / kind / f"{digest}.json"


def write_atomic(path: Path, data: bytes) -> None:
    """Best effort: a cache that cannot be written is simply not used next time."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
        _prune(path.parent)
    except OSError:
        tmp.unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)


def sys_path_key() -> list[object]:
    """Every `sys.path` folder with its modification time: installing or removing a
    distribution changes its folder's mtime, so this changes when installed packages do."""
    import sys

    stamps: list[object] = [sys.version]
    for entry in sys.path:
        try:
            stamps.append([entry, os.stat(entry or ".").st_mtime_ns])
        except OSError:
            stamps.append([entry, None])
    return stamps


def stamp(path: str) -> list[int] | None:
    """What identifies one version of a file: modification time and size (None: absent)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]
