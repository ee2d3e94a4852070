"""Command-line commands, one module per group; see `selang.cli.main`."""

import argparse


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
