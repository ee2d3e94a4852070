"""`selang sandbox ...`: parse the flags, serve until Ctrl-C or SIGTERM, exit 0."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from selang.sandbox import options as opts
from selang.sandbox.faults import FaultError

DESCRIPTION = """\
Serve a local CXone-compatible API (OAuth token, outbound campaigns, webhooks) for trying
selang and for tests. State persists in the state directory across restarts.

Admin endpoints under /_sandbox/ (loopback only, no token) change faults at run time, edit
campaigns as another writer, and show the request log; see docs/sandbox.md.
"""

EPILOG = """\
fault flags set the starting faults; all of them can be changed later through /_sandbox/faults.
--fail-next takes METHOD:PATH_GLOB:STATUS[:COUNT], e.g. PATCH:/api/v2/outbound/campaigns/*:503:2
"""


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def _fail_rule(text: str) -> opts.FailRule:
    parts = text.split(":")
    if len(parts) not in (3, 4) or not parts[2].isdigit():
        raise argparse.ArgumentTypeError("expected METHOD:PATH_GLOB:STATUS[:COUNT]")
    count = int(parts[3]) if len(parts) == 4 and parts[3].isdigit() else 1
    return opts.FailRule(parts[0].upper() or "*", parts[1] or "*", int(parts[2]), count)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="selang sandbox",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("--host", default=opts.DEFAULT_HOST, help="address to bind (default: %(default)s)")
    add(
        "--port",
        type=_port,
        default=opts.DEFAULT_PORT,
        help="port, 0 for any (default: %(default)s)",
    )
    add(
        "--state-dir",
        type=Path,
        help="where campaigns and webhooks persist "
        "(default: $SELANG_STATE_DIR/sandbox, else .selang/sandbox)",
    )
    add(
        "--client-id", default=opts.DEFAULT_CLIENT_ID, help="OAuth client id (default: %(default)s)"
    )
    add(
        "--client-secret",
        default=opts.DEFAULT_CLIENT_SECRET,
        help="OAuth client secret (default: %(default)s)",
    )
    add(
        "--campaign",
        action="append",
        default=[],
        metavar="ID",
        help="make sure this campaign exists (repeatable; default when the state is empty: "
        + ", ".join(opts.DEFAULT_CAMPAIGNS)
        + ")",
    )
    add(
        "--token-ttl",
        type=_positive,
        default=opts.DEFAULT_TOKEN_TTL,
        metavar="SECONDS",
        help="token lifetime (default: %(default)s)",
    )
    faults = parser.add_argument_group("faults")
    add = faults.add_argument
    add(
        "--rate-limit",
        type=_positive,
        metavar="REQUESTS_PER_SECOND",
        help="answer 429 above this rate (default: no limit)",
    )
    add(
        "--retry-after-form",
        choices=("seconds", "http-date"),
        default="seconds",
        help="how 429/503 answers write Retry-After (default: %(default)s)",
    )
    add("--latency-ms", type=int, default=0, metavar="MS", help="delay every API answer")
    add(
        "--error-rate",
        type=_share,
        default=0.0,
        metavar="SHARE",
        help="share of API requests answered with a 5xx instead (0..1, default 0)",
    )
    add(
        "--error-status",
        type=int,
        action="append",
        metavar="CODE",
        help="statuses --error-rate picks from (repeatable; default 500 and 503)",
    )
    add(
        "--drop-patch-rate",
        type=_share,
        default=0.0,
        metavar="SHARE",
        help="share of PATCHes applied but answered by closing the connection (0..1)",
    )
    add(
        "--drop-next-patches",
        type=int,
        default=0,
        metavar="N",
        help="apply the next N PATCHes but close their connections without answering",
    )
    add(
        "--fail-next",
        type=_fail_rule,
        action="append",
        default=[],
        metavar="SPEC",
        help="answer the next matching requests with STATUS (repeatable; see below)",
    )
    add("--seed", type=int, help="seed for the random faults, for repeatable runs")
    parser.add_argument("--quiet", action="store_true", help="do not log each request on stderr")
    return parser


def to_options(args: argparse.Namespace) -> opts.Options:
    return opts.Options(
        host=args.host,
        port=args.port,
        state_dir=args.state_dir,
        client_id=args.client_id,
        client_secret=args.client_secret,
        campaigns=tuple(dict.fromkeys(args.campaign)),
        token_ttl=args.token_ttl,
        faults=opts.FaultSettings(
            latency_ms=args.latency_ms,
            error_rate=args.error_rate,
            error_statuses=tuple(args.error_status or (500, 503)),
            rate_limit=args.rate_limit,
            retry_after_form=args.retry_after_form,
            drop_patch_rate=args.drop_patch_rate,
            seed=args.seed,
        ),
        fail_next=tuple(args.fail_next),
        drop_next_patches=args.drop_next_patches,
        access_log=not args.quiet,
    )


def _port(text: str) -> int:
    """A TCP port: a whole number from 0 (any free port) to 65535."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"must be a port from 0 to 65535, not `{text}`")
    return int(text)


def cli_main(argv: Sequence[str]) -> int:
    """`selang sandbox [flags]`: serve until interrupted; 0 on a clean stop, 2 on bad usage."""
    from selang.sandbox.inprocess import start
    from selang.sandbox.validate import Invalid

    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:  # argparse exits on --help and on usage errors
        return int(exc.code or 0)
    options = to_options(args)
    try:
        sandbox = start(options)
    except (OSError, FaultError, Invalid) as exc:
        print(f"selang sandbox: cannot start: {exc}", file=sys.stderr)
        return 2

    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():  # only it may set handlers
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        print(f"selang sandbox listening on {sandbox.url}", flush=True)
        print(f"  state dir:     {sandbox.state_dir}")
        print(f"  client id:     {sandbox.client_id}")
        print(f"  client secret: {sandbox.client_secret}")
        print(f"  token URL:     {sandbox.url}/api/v2/oauth/token")
        print(f"  admin:         {sandbox.url}/_sandbox/")
        print(
            f"  try: CXONE_INSTANCE_URL={sandbox.url} "
            f"CXONE_CLIENT_ID={sandbox.client_id} CXONE_CLIENT_SECRET={sandbox.client_secret}"
        )
        print("press Ctrl-C to stop", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        sandbox.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print("selang sandbox stopped", flush=True)
    return 0
