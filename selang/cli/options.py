"""Flags and argparse types that several commands share."""

import argparse
import os
import sys
from typing import TextIO


def positive_int(text: str) -> int:
    """An argparse `type` for counts such as `--jobs`: a whole number of at least 1."""
    value = int(text) if text.isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError("must be a whole number of at least 1")
    return value


def codes(text: str) -> list[str]:
    """An argparse `type` for `--select` and `--ignore`: comma-separated rule codes."""
    return [code.strip() for code in text.split(",")]


def quiet_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("-q", "--quiet", action="store_true", help="print diagnostics only, no summary")


# A PATH of `-` is standard input (`selang check -`), named by `--stdin-filename`.
STDIN = "-"


def stdin_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="the name of the text read from stdin with `-`: shown in diagnostics, and where "
        "its imports and settings are found from (`.json` reads a selection)",
    )


class UsageError(Exception):
    """A mistake on the command line, said in one line; the command exits 2."""


def read_stdin(paths: list[str], name: str | None) -> tuple[list[str], dict[str, bytes]]:
    """`paths` with `-` replaced by stdin's name, and stdin's bytes under that name (nothing
    when `-` is not among them). Raises `UsageError`."""
    if paths.count(STDIN) > 1:
        raise UsageError("`-` (stdin) can be given once")
    if STDIN not in paths:
        if name is not None:
            raise UsageError("`--stdin-filename` names what is read from stdin; give `-`")
        return paths, {}
    from selang.syntax.source import MAX_BYTES

    name = name or STDIN
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise UsageError("there is no standard input to read `-` from")
    try:
        data = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read stdin: {exc.strerror or exc}") from None
    return [name if p == STDIN else p for p in paths], {name: data}


def given_texts(given: dict[str, bytes]) -> dict[str, str]:
    """The text of each input given by its bytes, for source excerpts; bytes that are not
    UTF-8 are shown replaced, as the diagnostic about them says."""
    from selang.syntax.source import decode

    return {p: decode(d, p)[0] or d.decode("utf-8", "replace") for p, d in given.items()}


def colour(stream: TextIO) -> bool:
    """Whether to colour what goes to `stream`: never with NO_COLOR set (any value but
    empty), always with FORCE_COLOR set, else only on a terminal that is not `TERM=dumb`."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
