"""Where an import may lead: a `.sel` file inside the importing file's project, nothing else.

The project is the nearest folder at or above the importing file that holds a `selang.toml`, a
`pyproject.toml` or a `.git` (the top of a git work tree); with none of them, the importing
file's own folder. Paths are compared after symbolic links are followed, so a link inside the
project that leads out of it is refused too, and nothing refused is ever opened.

Neighbours: `selang.semantic.imports` reads only what this allows; the language server asks it
too before it follows an import for hover, definitions and the names it completes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import attrs

MARKERS = ("selang.toml", "pyproject.toml", ".git")
RULE = (
    "an import names a `.sel` file inside the project: the folder of the nearest "
    "`selang.toml`, `pyproject.toml` or `.git` at or above the importing file, and below it"
)
# Kernel and device file systems: their files look regular (or are devices) and are never source.
_SYSTEM = ("/proc", "/sys", "/dev")


@attrs.frozen
class Root:
    folder: str
    marker: str | None  # None: no marker above, so the importing file's own folder

    def shown(self) -> str:
        if self.marker is None:
            return f"`{self.folder}` (no `selang.toml`, `pyproject.toml` or `.git` above it)"
        return f"`{self.folder}` (the folder of its `{self.marker}`)"


@attrs.define
class Projects:
    """The projects of the files of one run, each folder looked at once.

    `top`, when given, counts as a project's top wherever no marker is found below it (a
    revision's files copied to a temporary folder). `consulted` lists every marker looked for,
    found or not: what the answers depend on.
    """

    top: str | None = None
    consulted: list[str] = attrs.Factory(list)
    _nearest: dict[str, Root | None] = attrs.Factory(dict)

    def root(self, importer: str) -> Root:
        """The project of the file at `importer`."""
        folder = os.path.realpath(os.path.dirname(os.path.abspath(importer)))
        top = os.path.realpath(self.top) if self.top is not None else None
        walked = []
        current = folder
        while current not in self._nearest:
            walked.append(current)
            marker = self._marker(current)
            if marker is not None or current == top:
                self._nearest[current] = Root(current, marker)
                break
            parent = os.path.dirname(current)
            if parent == current:
                self._nearest[current] = None
                break
            current = parent
        found = self._nearest[current]
        for seen in walked:
            self._nearest[seen] = found
        return found if found is not None else Root(folder, None)

    def _marker(self, folder: str) -> str | None:
        for name in MARKERS:
            path = os.path.join(folder, name)
            self.consulted.append(path)
            if os.path.lexists(path):
                return name
        return None

    def target(self, importer: str, written: str) -> tuple[str, str | None]:
        """The path an import names (relative to the importing file, as written), and why it may
        not be read, or None when it may."""
        path = str(Path(importer).parent / written)
        if "\0" in written:  # no file system takes it, and `os` functions raise on it
            return path, "the path holds a NUL character"
        if not written.endswith(".sel"):
            return path, "only `.sel` files can be imported"
        root = self.root(importer)
        real = os.path.realpath(path)
        if not _inside(real, root.folder):
            # Written inside the project but not really there: a symbolic link leads out.
            here = os.path.realpath(os.path.dirname(os.path.abspath(importer)))
            if _inside(os.path.normpath(os.path.join(here, written)), root.folder):
                return path, f"it leads outside the project {root.shown()}"
            return path, f"it is outside the project {root.shown()}"
        if not real.endswith(".sel"):
            return path, "it leads to a file that is not a `.sel` file"
        if any(_inside(real, system) for system in _SYSTEM):
            return path, "it is a system file, not source"
        try:
            mode = os.stat(real).st_mode
        except OSError:
            return path, None  # missing or unreadable: reading it says which
        if stat.S_ISDIR(mode):
            return path, "it is a folder, not a `.sel` file"
        if not stat.S_ISREG(mode):
            return path, "it is a device or a pipe, not a `.sel` file"
        return path, None


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder
