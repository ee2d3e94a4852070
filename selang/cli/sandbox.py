"""`selang sandbox`: hands its arguments to the sandbox's own parser (`selang.sandbox.cli`)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sandbox = sub.add_parser(
        "sandbox",
        help="serve a local CXone-compatible API on 127.0.0.1",
        description="Serve a local CXone-compatible API; `selang sandbox --help` lists its flags.",
        add_help=False,
    )
    sandbox.set_defaults(run=run, passthrough=True, rest=[])


def run(args: argparse.Namespace) -> int:
    from selang.sandbox import cli_main

    return cli_main(args.rest)
