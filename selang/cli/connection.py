"""Flags and error reporting shared by the commands that talk to CXone or use local state
(`selang.cli.remote`, `audit`, `webhook`). Exit codes: 2 usage or configuration, 3 remote refused.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selang.app.remote import Connection

OK, CHECKS_FAILED, USAGE, REMOTE = 0, 1, 2, 3

Handler = Callable[[argparse.Namespace], int]


def err(message: str) -> None:
    print(f"selang: {message}", file=sys.stderr)


def state_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--state-dir",
        metavar="DIR",
        help="local state (audit trail, outbox, sandbox data); default `.selang/`",
    )


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _seconds(text: str) -> float:
    from selang.core.errors import ConfigError
    from selang.remote.settings import env_number

    try:
        return env_number("--timeout", text, unit=" of seconds")
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def connection_options(p: argparse.ArgumentParser) -> None:
    state_option(p)
    p.add_argument("--instance-url", metavar="URL", help="default: $CXONE_INSTANCE_URL")
    p.add_argument("--client-id", metavar="ID", help="default: $CXONE_CLIENT_ID")
    p.add_argument(
        "--client-secret-file",
        metavar="PATH",
        help="read the client secret from this file (default: $CXONE_CLIENT_SECRET)",
    )
    p.add_argument(
        "--basic-auth",
        action="store_true",
        help="send the client credentials as HTTP Basic instead of in the form body",
    )
    p.add_argument(
        "--rate-limit",
        type=_rate,
        metavar="R",
        help="pace requests at R per second from the start (default: $SELANG_RATE_LIMIT; "
        "without it the pace is learned from the server's 429 answers)",
    )
    p.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="stop the whole command after this long (default: $SELANG_TIMEOUT, else 120)",
    )
    p.add_argument("--sandbox", action="store_true", help="run against the embedded sandbox")


def connection(args: argparse.Namespace) -> Connection:
    """The flags of `connection_options` (and `--jobs`, where a command has it)."""
    from selang.app.remote import Connection

    return Connection(
        instance_url=args.instance_url,
        client_id=args.client_id,
        client_secret_file=args.client_secret_file,
        basic_auth=args.basic_auth,
        rate_limit=args.rate_limit,
        sandbox=args.sandbox,
        state_dir=args.state_dir,
        workers=getattr(args, "jobs", 1),
        timeout=getattr(args, "timeout", None),
    )


def handle_errors(fn: Handler) -> Handler:
    """Map configuration and remote errors to exit codes with one message line."""

    @functools.wraps(fn)
    def wrapper(args: argparse.Namespace) -> int:
        import sqlite3

        from selang.core.errors import ConfigError, DiskFull
        from selang.core.files import NO_ROOM
        from selang.remote.errors import RemoteError
        from selang.state.db import TrailError
        from selang.state.keys import AuditKeyError

        try:
            return int(fn(args))
        except ConfigError as exc:
            err(exc.message)
            return USAGE
        except RemoteError as exc:
            err(exc.message)
            return REMOTE
        except DiskFull as exc:
            err(exc.message)
            return USAGE
        except sqlite3.Error as exc:
            from selang.app.remote import state_dir

            where = state_dir(getattr(args, "state_dir", None))
            err(f"cannot use the state database in `{where}`: {exc}")
            return USAGE
        except (TrailError, AuditKeyError) as exc:
            err(str(exc))
            return USAGE
        except OSError as exc:
            if exc.filename is None:  # not a file problem (requests' errors are OSErrors too)
                raise
            if exc.errno in NO_ROOM:
                err(DiskFull(exc.filename).message)
            else:
                err(f"cannot use `{exc.filename}`: {exc.strerror}")
            return USAGE

    return wrapper
