"""Results of `selang check` kept between runs, as linters keep theirs for pre-commit and CI.

A result is reused only when nothing it depended on changed: the files checked, every file they
import (or tried to import), every configuration file consulted or looked for, selang's own
code, the installed packages (policy plugins), the Python version and the working directory.
Each is compared by modification time and size, so a hit costs a few `stat` calls and none of
the parsing, resolution or policy code is even imported. `--no-cache` or `SELANG_NO_CACHE=1`
turns it off.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from selang.core.cachedir import cache_file, stamp, sys_path_key, write_atomic
from selang.core.diagnostics import Diagnostic

_VERSION = 4


def enabled() -> bool:
    return os.environ.get("SELANG_NO_CACHE", "") in ("", "0")


def _code_stamps() -> list[object]:
    """selang's and the built-in policies' source files: an edited install is a new version."""
    import selang
    import selang.policies as policies

    out: list[object] = [selang.__version__]
    for package in (selang, policies):
        for folder in getattr(package, "__path__", ()):
            for root, dirs, files in os.walk(folder):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                for name in sorted(files):
                    if name.endswith((".py", ".lark")):
                        path = os.path.join(root, name)
                        out.append([path, stamp(path)])
    return out


# A file changed this recently may change again within the same mtime tick without its
# stamp changing; results that depend on one are not kept (git's "racily clean" rule).
RACY_NS = 2_000_000_000


# `selang.syntax.source.MAX_BYTES`, not imported: a cache hit imports none of the reader.
MAX_HASHED = 64 * 1024 * 1024


def content_stamp(path: str) -> list[int] | None:
    """A checked file's stamp and a checksum of its bytes: `cp -p` of another file of the same
    size keeps the modification time, so time and size alone would give the old verdict."""
    import stat
    import zlib

    try:
        info = os.stat(path)
    except OSError:
        return None
    found = [info.st_mtime_ns, info.st_size]
    # Only what the reader itself would read: a device or an oversized file is refused there
    # (and `/dev/zero` would never end), so its stamp is time and size alone.
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_HASHED:
        return found
    try:
        with open(path, "rb") as file:
            return [*found, zlib.crc32(file.read())]
    except OSError:
        return None


def _key(files: Sequence[str], settings: Sequence[object]) -> list[object]:
    return [_VERSION, os.getcwd(), list(files), list(settings), *sys_path_key()]


def lookup(
    files: Sequence[str], settings: Sequence[object] = ()
) -> tuple[list[Diagnostic], bool] | None:
    """The diagnostics and `unreadable` flag of an earlier identical run, if still valid;
    `settings` are the command line's settings the run was made under."""
    key = _key(files, settings)
    path = cache_file("check", key)
    if path is None:
        return None
    try:
        entry = json.loads(path.read_bytes())
        if entry["key"] != key or entry["code"] != _code_stamps():
            return None
        if any(content_stamp(p) != s for p, s in entry["deps"]):
            return None
        diagnostics = [Diagnostic.from_json(d) for d in entry["diagnostics"]]
        return diagnostics, bool(entry["unreadable"])
    except (OSError, ValueError, KeyError, TypeError, RecursionError):  # damaged: a miss
        return None


def store(
    files: Sequence[str],
    deps: Iterable[str],
    diagnostics: Sequence[Diagnostic],
    unreadable: bool,
    settings: Sequence[object] = (),
) -> None:
    """Keep a run's results, unless a file it read changed too recently to be sure of."""
    import time

    key = _key(files, settings)
    path = cache_file("check", key)
    if path is None:
        return
    stamps = [(p, content_stamp(p)) for p in sorted(set(deps) | set(files))]
    recent = time.time_ns() - RACY_NS
    if any(s is not None and s[0] > recent for _, s in stamps):
        return
    entry = {
        "key": key,
        "code": _code_stamps(),
        "deps": stamps,
        "diagnostics": [d.to_json() for d in diagnostics],
        "unreadable": unreadable,
    }
    write_atomic(Path(path), json.dumps(entry).encode())
