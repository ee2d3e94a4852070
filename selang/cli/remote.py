"""`selang plan`, `apply`, `import`, `audit` and `webhook`: thin handlers over `selang.remote`.

Heavy imports (requests, sqlite3, the sandbox) stay inside the handlers so other commands start
fast. Exit codes: 0 ok, 1 local checks failed, 2 usage or configuration, 3 remote refused.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from selang.cli.options import positive_int

if TYPE_CHECKING:
    from selang.remote.apply import Desired, Outcome
    from selang.remote.client import CxoneClient
    from selang.remote.plan import PlannedChange

OK, CHECKS_FAILED, USAGE, REMOTE = 0, 1, 2, 3
# Requests wait on the network, not the CPU; a 429 slows every worker through the shared pace.
DEFAULT_JOBS = 16


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    plan = sub.add_parser(
        "plan",
        help="show what apply would change on the live campaigns",
        description="Read each file's campaign and show how its contact selection would change.",
    )
    plan.add_argument("files", nargs="+", metavar="FILE")
    plan.add_argument("--out", metavar="PLAN", help="save the plan (JSON) for `apply --plan`")
    plan.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 2 when there are changes, 0 when there are none",
    )
    _connection_options(plan)
    plan.set_defaults(run=run_plan)

    apply = sub.add_parser(
        "apply",
        help="apply selections to their campaigns",
        description="Apply each file's selection to its campaign under a version lock. "
        "Exit 0 applied or nothing to do, 1 local checks failed, 2 usage, 3 remote refused.",
    )
    apply.add_argument("files", nargs="*", metavar="FILE")
    apply.add_argument("--plan", metavar="PLAN", help="apply exactly this saved plan")
    apply.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    apply.add_argument(
        "--force",
        action="store_true",
        help="overwrite a selection someone else changed since the plan",
    )
    apply.add_argument(
        "--jobs",
        type=positive_int,
        default=DEFAULT_JOBS,
        metavar="N",
        help=f"campaigns applied at once (default {DEFAULT_JOBS})",
    )
    apply.add_argument("--metrics-file", metavar="PATH", help="write Prometheus metrics here")
    _connection_options(apply)
    apply.set_defaults(run=run_apply)

    imp = sub.add_parser(
        "import",
        help="print .sel source for a live campaign",
        description="Read a campaign and print its contact selection as .sel source.",
    )
    imp.add_argument("campaign_id", metavar="CAMPAIGN_ID")
    _connection_options(imp)
    imp.set_defaults(run=run_import)

    audit = sub.add_parser("audit", help="show or verify the local audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    log = audit_sub.add_parser("log", help="list applied changes")
    log.add_argument("--format", choices=["text", "json"], default="text")
    _state_option(log)
    log.set_defaults(run=run_audit_log)
    verify = audit_sub.add_parser("verify", help="check the hash chain (exit 1 when broken)")
    _state_option(verify)
    verify.set_defaults(run=run_audit_verify)

    hook = sub.add_parser("webhook", help="manage CXone webhooks and the CRM outbox")
    hook_sub = hook.add_subparsers(dest="webhook_command", metavar="COMMAND", required=True)
    reg = hook_sub.add_parser("register", help="register a CXone webhook")
    reg.add_argument("url", metavar="URL")
    reg.add_argument("--event", action="append", required=True, metavar="EVENT")
    _connection_options(reg)
    reg.set_defaults(run=run_webhook_register)
    lst = hook_sub.add_parser("list", help="list CXone webhooks")
    _connection_options(lst)
    lst.set_defaults(run=run_webhook_list)
    delete = hook_sub.add_parser("delete", help="delete a CXone webhook")
    delete.add_argument("webhook_id", metavar="ID")
    _connection_options(delete)
    delete.set_defaults(run=run_webhook_delete)
    flush = hook_sub.add_parser("flush", help="send pending CRM events now")
    _state_option(flush)
    flush.set_defaults(run=run_webhook_flush)


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _state_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--state-dir",
        metavar="DIR",
        help="local state (audit trail, outbox, sandbox data); default `.selang/`",
    )


def _connection_options(p: argparse.ArgumentParser) -> None:
    _state_option(p)
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
    p.add_argument("--sandbox", action="store_true", help="run against the embedded sandbox")


# --- shared plumbing ----------------------------------------------------------------------------


def _err(message: str) -> None:
    print(f"selang: {message}", file=sys.stderr)


def _state_dir(args: argparse.Namespace) -> Path:
    from selang.remote.settings import state_dir

    return state_dir(getattr(args, "state_dir", None), os.environ)


def _preflight(args: argparse.Namespace) -> None:
    """Fail on configuration (exit 2) before reading any file or opening any connection."""
    from selang.remote.settings import cxone_from, rate_limit_from, retry_policy_from

    retry_policy_from(os.environ)
    rate_limit_from(os.environ)
    if not args.sandbox:
        cxone_from(
            os.environ,
            instance_url=args.instance_url,
            client_id=args.client_id,
            client_secret_file=args.client_secret_file,
            rate_limit=args.rate_limit,
        )


@contextlib.contextmanager
def _connect(args: argparse.Namespace, campaigns: Sequence[str] = ()) -> Iterator[CxoneClient]:
    """A client for the configured instance, or for the embedded sandbox with `--sandbox`.

    The embedded sandbox is for trying selang on one's own files, so the `campaigns` about to
    be planned or applied are created in it (as realistic seed documents) when missing.
    """
    from selang.remote.client import CxoneClient
    from selang.remote.settings import (
        CxoneSettings,
        cxone_from,
        rate_limit_from,
        retry_policy_from,
    )

    env = os.environ
    policy = retry_policy_from(env)
    workers = getattr(args, "jobs", 1)
    if not args.sandbox:
        settings = cxone_from(
            env,
            instance_url=args.instance_url,
            client_id=args.client_id,
            client_secret_file=args.client_secret_file,
            basic_auth=args.basic_auth,
            rate_limit=args.rate_limit,
        )
        with CxoneClient(settings, policy=policy, workers=workers) as client:
            yield client
        return
    from selang.remote.errors import ConfigError

    try:
        from selang import sandbox
    except ImportError:
        raise ConfigError("the embedded sandbox is not available in this installation") from None
    sandbox_dir = _state_dir(args) / "sandbox"
    sandbox_dir.mkdir(parents=True, exist_ok=True)
    with sandbox.running(state_dir=sandbox_dir, port=0, campaigns=campaigns) as box:
        rate = args.rate_limit if args.rate_limit is not None else rate_limit_from(env)
        settings = CxoneSettings(box.url, box.client_id, box.client_secret, rate_limit=rate)
        with CxoneClient(settings, policy=policy, workers=workers) as client:
            yield client


def _load(paths: Sequence[str]) -> tuple[list[Desired], int]:
    """Compile every file; nothing is sent unless all of them pass (exit 1 otherwise)."""
    from selang.app.loader import load_selection
    from selang.core.diagnostics import has_errors
    from selang.remote.apply import Desired
    from selang.report import text
    from selang.targets import cxone

    desired: list[Desired] = []
    code = OK
    shared: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for path in paths:
        result = load_selection(path, shared)
        if result.diagnostics:
            sys.stderr.write(text.render(result.diagnostics))
        if result.unreadable:
            code = max(code, USAGE)
            continue
        if result.overridden:
            # Configuration silenced reading errors, but what they point at is missing from
            # the selection: sending it would dial people the file did not mean to.
            sys.stderr.write(text.render(result.overridden))
            _err(f"`{path}` could not be read completely; nothing from it will be sent")
        if has_errors(result.diagnostics) or result.overridden or result.selection is None:
            code = max(code, CHECKS_FAILED)
            continue
        cid = result.selection.campaign_id
        if cid is None:
            _err(f"`{path}` has no campaign to apply")
            code = max(code, CHECKS_FAILED)
            continue
        if cid in seen:
            _err(f"campaign `{cid}` is in both `{seen[cid]}` and `{path}`")
            code = USAGE
            continue
        seen[cid] = path
        desired.append(Desired(cid, cxone.emit(result.selection), path, compliant=True))
    if code == CHECKS_FAILED:
        _err("local checks failed; nothing was sent")
    return desired, code


def _handle_errors(fn: Any) -> Any:
    """Map configuration and remote errors to exit codes with one message line."""

    def wrapper(args: argparse.Namespace) -> int:
        import sqlite3

        from selang.remote.errors import ConfigError, RemoteError

        try:
            return int(fn(args))
        except ConfigError as exc:
            _err(exc.message)
            return USAGE
        except RemoteError as exc:
            _err(exc.message)
            return REMOTE
        except sqlite3.Error as exc:
            _err(f"cannot use the state database in `{_state_dir(args)}`: {exc}")
            return USAGE
        except OSError as exc:
            if exc.filename is None:  # not a file problem (requests' errors are OSErrors too)
                raise
            _err(f"cannot use `{exc.filename}`: {exc.strerror}")
            return USAGE

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def _describe_change(change: PlannedChange) -> list[str]:
    from selang.app.diff import plan_lines
    from selang.remote import plan as planning

    d = planning.diff(change.base, change.desired)
    lines = planning.render(d, indent="  ")
    head = f"campaign `{change.campaign_id}` (version {change.base_version}, {change.source})"
    if not lines:
        return [f"{head}: no changes"]
    semantic = [
        f"  {line}"
        for line in plan_lines(change.base, change.desired, change.source, change.campaign_id)
    ]
    return [f"{head}: {len(lines)} change{'s' if len(lines) != 1 else ''}", *lines, *semantic]


# --- plan ---------------------------------------------------------------------------------------


@_handle_errors
def run_plan(args: argparse.Namespace) -> int:
    from selang.remote import plan as planning
    from selang.remote.apply import Engine

    _preflight(args)
    desired, code = _load(args.files)
    if code != OK:
        return code
    with _connect(args, [d.campaign_id for d in desired]) as client:
        engine = Engine(client)
        changes = [engine.read_plan(d) for d in desired]
    for change in changes:
        print("\n".join(_describe_change(change)))
    changed = sum(1 for c in changes if c.changes)
    print(f"{changed} of {len(changes)} campaign(s) would change")
    if args.out:
        try:
            planning.save(Path(args.out), changes)
        except OSError as exc:
            _err(f"cannot write plan `{args.out}`: {exc.strerror}")
            return USAGE
        print(f"plan saved to `{args.out}`")
    return 2 if args.detailed_exitcode and changed else OK


# --- apply --------------------------------------------------------------------------------------


@_handle_errors
def run_apply(args: argparse.Namespace) -> int:
    from selang.remote import plan as planning
    from selang.remote.apply import Desired, Engine

    if args.plan and args.files:
        _err("give either FILE arguments or `--plan`, not both")
        return USAGE
    if not args.plan and not args.files:
        _err("nothing to apply: give FILE arguments or `--plan PLAN`")
        return USAGE
    interactive = sys.stdin.isatty()
    if not args.yes and not interactive:
        _err("refusing to apply without `--yes` when input is not a terminal")
        return USAGE
    _preflight(args)

    pinned: list[PlannedChange | None]
    if args.plan:
        try:
            planned = planning.load(Path(args.plan))
        except planning.PlanFileError as exc:
            _err(exc.message)
            return USAGE
        desired = [Desired(c.campaign_id, c.desired, c.source, c.compliant) for c in planned]
        pinned, strict = list(planned), True
    else:
        desired, code = _load(args.files)
        if code != OK:
            return code
        pinned, strict = [None] * len(desired), False

    state_dir = _state_dir(args)
    with _connect(args, [d.campaign_id for d in desired]) as client:
        from selang.remote.settings import crm_from

        notify = crm_from(os.environ).configured
        engine = Engine(client, state_dir=state_dir, force=args.force, notify=notify)
        if not args.yes:
            shown = [p or engine.read_plan(d) for p, d in zip(pinned, desired, strict=True)]
            for change in shown:
                print("\n".join(_describe_change(change)))
            if not any(c.changes for c in shown):
                print("nothing to do")
                return OK
            if not _confirm(f"apply {sum(c.changes for c in shown)} change(s)?"):
                print("cancelled; nothing was changed")
                return OK
            pinned = list(shown)
        progress = _Progress(len(desired), enabled=sys.stderr.isatty())
        outcomes = engine.apply_all(
            list(zip(desired, pinned, strict=True)),
            jobs=args.jobs,
            strict=strict,
            on_done=progress,
        )
        retries = client.stats.retries
    _print_outcomes(outcomes)
    _finish_run(args, state_dir, outcomes, retries)
    return OK if all(o.ok for o in outcomes) else REMOTE


def _confirm(question: str) -> bool:
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


class _Progress:
    def __init__(self, total: int, enabled: bool) -> None:
        import threading

        self.total, self.enabled, self.done = total, enabled, 0
        self._lock = threading.Lock()

    def __call__(self, outcome: Outcome) -> None:
        if not self.enabled:
            return
        with self._lock:
            self.done += 1
            print(
                f"[{self.done}/{self.total}] {outcome.campaign_id}: {outcome.status}",
                file=sys.stderr,
            )


def _print_outcomes(outcomes: Sequence[Outcome]) -> None:
    from selang.remote import plan as planning

    rows = [("campaign", "file", "result", "version", "latency")]
    for o in outcomes:
        if o.version_before is None:
            version = "-"
        elif o.version_after is None or o.version_after == o.version_before:
            version = str(o.version_before)
        else:
            version = f"{o.version_before} -> {o.version_after}"
        rows.append((o.campaign_id, o.source, o.status, version, f"{o.latency * 1000:.0f} ms"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    for o in outcomes:
        if o.status in ("failed", "conflict"):
            _err(f"{o.campaign_id}: {o.message}")
        if o.status == "conflict" and o.theirs is not None and o.ours is not None:
            print(f"campaign `{o.campaign_id}`: live selection (theirs) -> this file (ours):")
            lines = planning.render(planning.diff(o.theirs, o.ours), indent="  ")
            print("\n".join(lines) or "  (identical)")


def _finish_run(
    args: argparse.Namespace, state_dir: Path, outcomes: Sequence[Outcome], retries: int
) -> None:
    """Deliver pending CRM events (bounded), then print and write the run's metrics."""
    from selang.remote import crm
    from selang.remote.metrics import RunMetrics
    from selang.remote.settings import crm_from

    report = crm.flush(state_dir, crm_from(os.environ), budget=10.0)
    if report.delivered or report.pending:
        note = f" ({report.error})" if report.error else ""
        print(f"crm: {report.delivered} delivered, {report.pending} pending{note}", file=sys.stderr)
    metrics = RunMetrics.of(outcomes, retries)
    print(metrics.summary())
    if args.metrics_file:
        path = Path(args.metrics_file)
        try:
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(metrics.prometheus(), encoding="utf-8")
            tmp.replace(path)  # a scraper never sees half a file
        except OSError as exc:
            _err(f"cannot write metrics `{args.metrics_file}`: {exc.strerror}")


# --- import -------------------------------------------------------------------------------------


@_handle_errors
def run_import(args: argparse.Namespace) -> int:
    import attrs

    from selang.core.diagnostics import has_errors
    from selang.report import text
    from selang.targets import cxone

    _preflight(args)
    with _connect(args) as client:
        doc = client.get_campaign(args.campaign_id)
    selection, diagnostics = cxone.read_payload(doc, f"campaign `{args.campaign_id}`")
    if selection is None or has_errors(diagnostics):
        sys.stderr.write(text.render(diagnostics))
        _err(f"campaign `{args.campaign_id}` holds a selection selang cannot read")
        return REMOTE
    from selang.format.decompile import DecompileError, to_source

    try:
        source = to_source(attrs.evolve(selection, campaign_id=args.campaign_id))
    except DecompileError as exc:
        sys.stderr.write(text.render([exc.diagnostic]))
        _err(f"campaign `{args.campaign_id}` holds a selection `.sel` cannot express")
        return REMOTE
    print(source, end="")
    return OK


# --- audit --------------------------------------------------------------------------------------


@_handle_errors
def run_audit_log(args: argparse.Namespace) -> int:
    import json

    from selang.state import audit

    records = audit.records(_state_dir(args))
    if args.format == "json":
        print(json.dumps([r.to_json() for r in records], indent=2, ensure_ascii=False))
        return OK
    if not records:
        print("no applied changes recorded")
    for r in records:
        print(
            f"#{r.seq} {r.at} {r.campaign_id} v{r.version_before} -> v{r.version_after} "
            f"{r.result} by {r.actor} from `{r.source}` ({r.latency_ms} ms) "
            f"payload {r.payload_sha256[:12]} hash {r.hash[:12]}"
        )
    return OK


@_handle_errors
def run_audit_verify(args: argparse.Namespace) -> int:
    from selang.state import audit

    state_dir = _state_dir(args)
    problems = audit.verify(state_dir)
    if not problems:
        print(f"audit trail intact: {len(audit.records(state_dir))} record(s)")
        return OK
    for p in problems:
        print(f"audit trail broken: {p.message}")
    return 1


# --- webhooks -----------------------------------------------------------------------------------


@_handle_errors
def run_webhook_register(args: argparse.Namespace) -> int:
    with _connect(args) as client:
        hook = client.create_webhook(args.url, args.event)
    print(f"registered webhook `{hook.get('id')}` for {', '.join(args.event)}")
    return OK


@_handle_errors
def run_webhook_list(args: argparse.Namespace) -> int:
    with _connect(args) as client:
        hooks = client.list_webhooks()
    if not hooks:
        print("no webhooks registered")
    for h in hooks:
        events = ", ".join(str(e) for e in h.get("events", []))
        print(f"{h.get('id')}  {h.get('url')}  {events}")
    return OK


@_handle_errors
def run_webhook_delete(args: argparse.Namespace) -> int:
    with _connect(args) as client:
        client.delete_webhook(args.webhook_id)
    print(f"deleted webhook `{args.webhook_id}`")
    return OK


@_handle_errors
def run_webhook_flush(args: argparse.Namespace) -> int:
    from selang.remote import crm
    from selang.remote.settings import crm_from

    settings = crm_from(os.environ)
    report = crm.flush(_state_dir(args), settings, budget=30.0)
    print(f"crm: {report.delivered} delivered, {report.pending} pending")
    if report.pending and not settings.configured:
        _err("set `CRM_WEBHOOK_URL` to deliver pending events")
        return USAGE
    if report.pending:
        _err(report.error or "some events are still pending")
        return REMOTE
    return OK
