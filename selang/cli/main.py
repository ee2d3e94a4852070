"""The `selang` command line: parses arguments and hands each command to its module.

Commands live in `selang.cli.*`, one module per group: a new command is a new module with a
`register(subparsers)` that adds its commands with `set_defaults(run=fn)`, where `fn(args) -> int`
is the exit code, and a line in `COMMANDS`. Command modules only parse and print: the work is in
`selang.app`, imported inside `fn` with the rest of their heavy dependencies, so `selang check`
never pays for HTTP or SQLite at start-up.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from selang import __version__

# Which module registers each command: start-up builds only the parser of the command given
# (argparse set-up for every command costs more than a whole `selang check` of a small file).
COMMANDS = {
    "check": "selang.cli.check",
    "compile": "selang.cli.check",
    "init": "selang.cli.init",
    "plan": "selang.cli.remote",
    "apply": "selang.cli.remote",
    "import": "selang.cli.remote",
    "audit": "selang.cli.audit",
    "webhook": "selang.cli.webhook",
    "rule": "selang.cli.rules",
    "sandbox": "selang.cli.sandbox",
    "fmt": "selang.cli.source",
    "decompile": "selang.cli.source",
    "diff": "selang.cli.diff",
    "preview": "selang.cli.preview",
    "fields": "selang.cli.fields",
    "lsp": "selang.cli.lsp",
}

USAGE = 2


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser for `command` alone, or for every command when it is None or unknown."""
    parser = argparse.ArgumentParser(
        prog="selang",
        description="Policy-as-code for outbound dialer contact selection on NICE CXone.",
    )
    parser.add_argument("--version", action="version", version=f"selang {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = [COMMANDS[command]] if command in COMMANDS else COMMANDS.values()
    for name in dict.fromkeys(wanted):
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list[0] if args_list else None)
    try:
        # A command that sets `passthrough` (the sandbox) parses its own flags.
        args, extra = parser.parse_known_args(args_list)
        if extra and not getattr(args, "passthrough", False):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exc:  # argparse exits on --help (0) and on bad usage (2)
        return exc.code if isinstance(exc.code, int) else USAGE
    if extra:
        args.rest = [*args.rest, *extra]
    run = getattr(args, "run", None)
    if run is None:
        parser.print_help(sys.stderr)
        return USAGE
    try:
        code: int = run(args)
    except KeyboardInterrupt:
        print("selang: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`selang check | head`); nothing more to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return code


def run() -> NoReturn:
    """The `selang` console script and `python -m selang`: `main`, tuned for a short process.

    A command allocates many objects and makes almost no reference cycles, so the collector's
    default pass every 700 allocations and its full passes at exit, over objects the process is
    about to free anyway, only cost time: together about a seventh of a cold `selang check` of
    one file (BENCHMARKS.md). Cycles are still collected, in larger batches. The sandbox and
    the language server may run for hours, so they keep Python's defaults.
    """
    short = sys.argv[1:2] not in (["sandbox"], ["lsp"])
    if short:
        gc.set_threshold(100_000)
    code = main()
    if short:
        gc.freeze()  # what is alive now is freed by the exit itself
    sys.exit(code)
