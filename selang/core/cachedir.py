"""The per-user cache folder (the entry-point index, check results): private,
never in /tmp. Every reader compares the key stored in a file with its own, so the short file
names only need to spread keys, not to be collision-free."""

from __future__ import annotations

import functools
import json
import os
import zlib
from pathlib import Path

from selang.core import files


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


def cache_file(kind: str, key: object, suffix: str = ".json") -> Path | None:
    """The file for `key` (any JSON-able value) among the cached files of one `kind`.

    The name is a 64-bit checksum of the key (zlib's, because hashlib's first import loads
    OpenSSL, which costs more than the rest of a cache hit); the file must still hold the key.
    """
    folder = user_cache_dir()
    if folder is None:
        return None
    data = json.dumps(key, sort_keys=True).encode()
    return folder / kind / f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{suffix}"


def write_atomic(path: Path, data: bytes) -> None:
    """Best effort, not flushed to disk: a cache that cannot be written (or is lost in a power
    cut) is simply not used next time."""
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        files.write_atomic(path, data, durable=False)
        _prune(path.parent)
    except OSError:
        pass


def _prune(folder: Path) -> None:
    entries = sorted(
        (p for p in folder.iterdir() if not p.name.startswith(".")), key=_mtime, reverse=True
    )
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:  # removed by a concurrent run
        return 0


# What a distribution leaves in a `sys.path` folder: metadata (with its entry points) or a link.
_DISTRIBUTION = (".dist-info", ".egg-info", ".egg-link", ".pth")


def sys_path_key() -> list[object]:
    """What identifies the installed distributions, and so the policy plugins: each `sys.path`
    folder's `*.dist-info`, `*.egg-info`, `*.egg-link` and `*.pth` entries with their
    modification times. Installing, upgrading or removing a distribution changes one of them;
    other files coming and going in those folders do not (under `python -m selang` the working
    directory is one of them)."""
    import sys

    stamps: list[object] = [sys.version]
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as found:
                marks: list[list[object]] | list[int] | None = sorted(
                    [item.name, item.stat().st_mtime_ns]
                    for item in found
                    if item.name.endswith(_DISTRIBUTION)
                )
        except NotADirectoryError:  # a zip archive: its own time and size
            marks = stamp(entry)
        except OSError:
            marks = None
        stamps.append([entry, marks])
    return stamps


def stamp(path: str) -> list[int] | None:
    """What identifies one version of a file: modification time and size (None: absent)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]
