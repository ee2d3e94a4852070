"""The `selang` command line: parses arguments and hands each command to its module.

Commands live in `selang.cli.*`, one module per group: a new command is a function that adds
its parser to `subparsers` with `set_defaults(run=fn)`, where `fn(args) -> int` is the exit
code, and a line in `COMMANDS`. Command modules only parse and print: the work is in
`selang.app`, imported inside `fn` with the rest of their heavy dependencies, so `selang check`
never pays for HTTP or SQLite at start-up.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from selang import __version__

# Each command and the function that adds its parser, in the order `selang --help` lists them:
# the day's work first (write, check, compile, try on data, compare, plan, apply), then the
# tools around it. Start-up builds only the parser of the command given (argparse set-up for
# every command costs more than a whole `selang check` of a small file).
COMMANDS = {
    "check": "selang.cli.check:register_check",
    "fmt": "selang.cli.source:register_fmt",
    "compile": "selang.cli.check:register_compile",
    "decompile": "selang.cli.source:register_decompile",
    "preview": "selang.cli.preview:register",
    "diff": "selang.cli.diff:register",
    "plan": "selang.cli.remote:register_plan",
    "apply": "selang.cli.remote:register_apply",
    "import": "selang.cli.remote:register_import",
    "audit": "selang.cli.audit:register",
    "webhook": "selang.cli.webhook:register",
    "fields": "selang.cli.fields:register",
    "rule": "selang.cli.rules:register",
    "init": "selang.cli.init:register",
    "lsp": "selang.cli.lsp:register",
    "sandbox": "selang.cli.sandbox:register",
}

USAGE = 2
# How the console script's stdout writes what it cannot encode (see `run`).
OUTPUT_ERRORS = "backslashreplace"


class CommandParser(argparse.ArgumentParser):
    """A command's parser (and a sub-command's, such as `audit log`): it leaves itself in the
    namespace, so that arguments the command does not take are reported with its own usage
    rather than the top level's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_defaults(command_parser=self)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser for `command` alone, or for every command when it is None or unknown."""
    parser = argparse.ArgumentParser(
        prog="selang",
        description="Policy-as-code for outbound dialer contact selection on NICE CXone.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"selang {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    for name in [command] if command in COMMANDS else COMMANDS:
        module, function = COMMANDS[name].split(":")
        getattr(importlib.import_module(module), function)(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list[0] if args_list else None)
    try:
        # A command that sets `passthrough` (the sandbox) parses its own flags.
        args, extra = parser.parse_known_args(args_list)
        if extra and not getattr(args, "passthrough", False):
            command_parser = getattr(args, "command_parser", parser)
            command_parser.error(f"unrecognized arguments: {' '.join(extra)}")
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
    # What stdout cannot encode (a file name's byte that is not UTF-8, which Python holds as
    # a lone surrogate) is written as an escape, `\udcff`, as Python does on stderr, instead
    # of ending the command with a traceback.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors=OUTPUT_ERRORS)
    short = sys.argv[1:2] not in (["sandbox"], ["lsp"])
    if short:
        gc.set_threshold(100_000)
    code = main()
    if short:
        gc.freeze()  # what is alive now is freed by the exit itself
    sys.exit(code)
