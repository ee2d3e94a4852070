"""Command-line commands, one module per group; see `selang.cli.main`."""

import argparse


def positive_int(text: str) -> int:
    """An argparse `type` for counts such as `--jobs`: a whole number of at least 1."""
    value = int(text) if text.isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError("must be a whole number of at least 1")
    return value
