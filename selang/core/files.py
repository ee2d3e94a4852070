"""Writing files: replacing one in one step (a reader sees the old content or the new, never
half of it), creating a private one, and telling a full disk from other write failures."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from selang.core.errors import DiskFull

# What a write answers when its disk (or the user's quota on it) has no room left.
NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT})


@contextlib.contextmanager
def writing(path: str | os.PathLike[str]) -> Iterator[None]:
    """Around writes to `path`: no room raises `DiskFull` naming it, and any other `OSError`
    carries `path` as its filename (`write` and `fsync` errors come without one)."""
    try:
        yield
    except OSError as exc:
        if exc.errno in NO_ROOM:
            raise DiskFull(path) from None
        if exc.filename is None and exc.errno is not None:
            raise OSError(exc.errno, exc.strerror, os.fspath(path)) from None
        raise


# Less free space than this on a file system counts as none: SQLite alone needs 32 KiB to map
# its shared-memory file and a page or more for each write.
LOW_WATER = 64 * 1024


def no_room_left(path: str | os.PathLike[str]) -> bool:
    """Whether the file system holding `path` (a file or folder) has no room left for this
    user. For writers, such as SQLite, that report a failed write without its `errno`."""
    folder = os.fspath(path)
    while folder and not os.path.exists(folder):
        folder = os.path.dirname(folder)
    try:
        vfs = os.statvfs(folder or ".")
    except OSError:
        return False
    free = vfs.f_bfree if os.geteuid() == 0 else vfs.f_bavail  # root may use the reserve
    return free * vfs.f_frsize < LOW_WATER


def new_private_file(path: str | os.PathLike[str]) -> BinaryIO:
    """A new file only its owner can read or write (0600), open for writing. An existing path,
    a symbolic link included, raises `FileExistsError`: nothing is overwritten or followed."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def write_atomic(path: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`.

    An existing file keeps its permissions (a new one is private, 0600), and a symbolic link
    keeps pointing where it did: the file it points to is replaced. With `durable` the data and
    the rename are flushed to disk before returning, so they survive a power cut. Raises
    `OSError` naming `path` (`DiskFull` when there is no room); the temporary file never
    outlives a failure.
    """
    target = Path(os.path.realpath(path))
    try:
        mode: int | None = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    with writing(target):
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if durable:
                    handle.flush()
                    os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    if durable:
        _fsync_dir(target.parent)


def write_new(path: str | os.PathLike[str], data: bytes) -> bool:
    """Create `path` holding `data`, whole or not at all, unless it exists already.

    The data goes to a private (0600) temporary file beside `path`, is flushed to disk, and is
    then linked into place, which fails when another process made the file first: False then,
    and theirs stands. A process killed at any moment leaves no file or the whole one.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".new", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, target)
        except FileExistsError:
            return False
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    _fsync_dir(target.parent)
    return True


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform lets a folder be opened.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
