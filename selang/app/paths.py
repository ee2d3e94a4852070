"""Which files a command was given: files as named, and every `*.sel` below a folder."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path


def expand_paths(paths: Iterable[str], given: Collection[str] = ()) -> Iterator[str]:
    """Files as given, and every `*.sel` under a folder (sorted, hidden folders skipped).
    A path in `given` (the name of standard input) is a file, whatever the disk holds."""
    for path in paths:
        if path not in given and os.path.isdir(path):
            found: list[str] = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(os.path.join(root, f) for f in files if f.endswith(".sel"))
            # A folder with nothing to check is passed on, so that it is reported, not skipped.
            yield from sorted(found, key=lambda p: Path(p).parts) if found else [path]
        else:
            yield path
