"""Reading source files as text: UTF-8 (a BOM is dropped), any line ends, bad bytes reported."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping

from selang.core.diagnostics import Diagnostic, Span, error

MAX_BYTES = (
    64 * 1024 * 1024
)  # documented; a selection is never this large: refuse, not exhaust memory


def read_source(path: str) -> tuple[str | None, Diagnostic | None]:
    """The text with `\\n` line ends, or a diagnostic saying why it cannot be read."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        # A device or a pipe (`import "/dev/zero"`) would never end or would block.
        if not stat.S_ISREG(info.st_mode):
            return None, error("SEL002", "is not a regular file", Span.point(path))
        if info.st_size > MAX_BYTES:
            return None, _too_large(path, info.st_size)
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return None, _too_large(path, None)
    except FileNotFoundError:
        return None, error("SEL002", "no such file", Span.point(path))
    except IsADirectoryError:
        return None, error("SEL002", "is a folder, not a file", Span.point(path))
    except OSError as exc:
        return None, error("SEL002", f"cannot read file: {exc.strerror}", Span.point(path))
    except ValueError:  # a NUL character in the path
        return None, error("SEL002", "cannot read file: invalid path", Span.point(path))
    return decode(data, path)


def _too_large(path: str, size: int | None) -> Diagnostic:
    told = f"{size:,} bytes; " if size is not None else ""
    limit = MAX_BYTES // (1024 * 1024)
    return error(
        "SEL001", f"file is too large ({told}at most {limit} MiB is read)", Span.point(path)
    )


def decode(data: bytes, path: str) -> tuple[str | None, Diagnostic | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        span = Span(path, line, column, line, column + 1)
        return None, error(
            "SEL001",
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            span,
            help="save the file as UTF-8",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def key(path: str) -> str:
    """The identity of a file, whatever path reaches it (a path with a NUL names no file)."""
    try:
        return os.path.realpath(path)
    except ValueError:
        return path


def given_first(
    given: Mapping[str, bytes],
) -> Callable[[str], tuple[str | None, Diagnostic | None]]:
    """`read_source`, but for files given as bytes (standard input under a name) those bytes,
    checked and decoded exactly as a file's would be."""
    by_key = {key(path): data for path, data in given.items()}

    def read(path: str) -> tuple[str | None, Diagnostic | None]:
        data = by_key.get(key(path))
        if data is None:
            return read_source(path)
        if len(data) > MAX_BYTES:
            return None, error("SEL001", "file is too large", Span.point(path))
        return decode(data, path)

    return read
