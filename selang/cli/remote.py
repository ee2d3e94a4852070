"""`selang plan`, `apply` and `import`: flags and printing over `selang.app.remote`.

Heavy imports (requests, sqlite3, the sandbox) stay inside the handlers so other commands start
fast. Exit codes: 0 ok, 1 local checks failed, 2 usage or configuration, 3 remote refused.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from selang.cli.connection import (
    CHECKS_FAILED,
    OK,
    REMOTE,
    USAGE,
    connection,
    connection_options,
    err,
    handle_errors,
)
from selang.cli.options import positive_int

if TYPE_CHECKING:
    from selang.app.remote import Explained, Loaded, RunEnd
    from selang.remote.apply import Desired, Outcome
    from selang.remote.plan import PlannedChange

# A run stopped by Ctrl-C, as the shell reports a process ended by SIGINT.
INTERRUPTED = 130
# Requests wait on the network, not the CPU; a 429 slows every worker through the shared pace.
DEFAULT_JOBS = 16


def register_plan(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    plan = sub.add_parser(
        "plan",
        help="show what apply would change on the live campaigns",
        description="Read each file's campaign and show how its contact selection would change.",
    )
    plan.add_argument("files", nargs="+", metavar="FILE")
    plan.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="`json` prints the plan document (docs/apply.md) on stdout instead of the text",
    )
    plan.add_argument(
        "--out",
        metavar="PLAN",
        help="save the plan document for `apply --plan`; `-` prints it on stdout (the text "
        "then goes to stderr)",
    )
    plan.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 2 when there are changes, 0 when there are none",
    )
    connection_options(plan)
    plan.set_defaults(run=run_plan)


def register_apply(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    apply = sub.add_parser(
        "apply",
        help="apply selections to their campaigns",
        description="Apply each file's selection to its campaign under a version lock. "
        "Without --yes, show the plan and ask on the terminal. Exit 0 applied or nothing to "
        "do, 1 local checks failed, 2 usage or not confirmed, 3 remote refused.",
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
    connection_options(apply)
    apply.set_defaults(run=run_apply)


def register_import(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imp = sub.add_parser(
        "import",
        help="print .sel source for a live campaign",
        description="Read a campaign and print its contact selection as .sel source.",
    )
    imp.add_argument("campaign_id", metavar="CAMPAIGN_ID")
    connection_options(imp)
    imp.set_defaults(run=run_import)


def _load(paths: Sequence[str]) -> tuple[list[Desired], int]:
    """Compile every file, printing what the checks found; exit 1 unless all of them pass."""
    from selang.app.remote import load_desired

    loaded = load_desired(paths)
    return list(loaded.desired), _report_load(loaded)


def _report_load(loaded: Loaded) -> int:
    from selang.report import text

    code = OK
    for f in loaded.files:
        if f.diagnostics:
            sys.stderr.write(text.render(f.diagnostics))
        if f.refusal == "unreadable":
            code = max(code, USAGE)
            continue
        if f.refusal == "incomplete":
            sys.stderr.write(text.render(f.overridden))
            err(f"`{f.path}` could not be read completely; nothing from it will be sent")
        elif f.refusal in ("empty", "no-campaign"):
            err(f"`{f.path}` has no campaign to apply")
        elif f.refusal == "duplicate":
            err(f"campaign `{f.campaign_id}` is in both `{f.other}` and `{f.path}`")
            code = USAGE
            continue
        if f.refusal is not None:
            code = max(code, CHECKS_FAILED)
    if code == CHECKS_FAILED:
        err("local checks failed; nothing was sent")
    return code


def _describe_change(explained: Explained) -> list[str]:
    change = explained.change
    head = f"campaign `{change.campaign_id}` (version {change.base_version}, {change.source})"
    if not explained.steps:
        return [f"{head}: no changes"]
    n = len(explained.steps)
    lines = [f"  {step.text()}" for step in explained.steps]
    assert explained.verdict is not None  # there are changes
    semantic = [f"  {line}" for line in explained.verdict.lines()]
    return [f"{head}: {n} change{'s' if n != 1 else ''}", *lines, *semantic]


@handle_errors
def run_plan(args: argparse.Namespace) -> int:
    from selang.app import remote
    from selang.remote import plan as planning

    conn = connection(args)
    remote.preflight(conn)
    desired, code = _load(args.files)
    if code != OK:
        return code
    explained = [remote.explain(c) for c in remote.plan(conn, desired)]
    # The document goes to stdout with `--format json` or `--out -`; the text then goes to
    # stderr (with `--out -`) or nowhere (`--format json`), so stdout stays one JSON value.
    as_json = args.format == "json" or args.out == "-"
    shown = sys.stderr if as_json else sys.stdout
    if args.format == "text":
        for e in explained:
            print("\n".join(_describe_change(e)), file=shown)
    changed = sum(1 for e in explained if e.steps)
    if args.format == "text":
        print(f"{changed} of {len(explained)} campaign(s) would change", file=shown)
    if as_json or args.out:
        doc = remote.plan_document(explained)
        if as_json:
            sys.stdout.write(planning.dumps(doc))
        if args.out and args.out != "-":
            try:
                remote.save_plan(args.out, doc)
            except OSError as exc:
                err(f"cannot write plan `{args.out}`: {exc.strerror or exc}")
                return USAGE
            print(f"plan saved to `{args.out}`", file=shown)
    return 2 if args.detailed_exitcode and changed else OK


@handle_errors
def run_apply(args: argparse.Namespace) -> int:
    from selang.app import remote
    from selang.remote.plan import PlanFileError

    if args.plan and args.files:
        err("give either FILE arguments or `--plan`, not both")
        return USAGE
    if not args.plan and not args.files:
        err("nothing to apply: give FILE arguments or `--plan PLAN`")
        return USAGE
    if not args.yes and not sys.stdin.isatty():
        err("refusing to apply without `--yes` when input is not a terminal")
        return USAGE
    conn = connection(args)
    remote.preflight(conn, crm=True)

    pinned: list[PlannedChange | None]
    if args.plan:
        try:
            desired, planned = remote.saved_plan(args.plan)
        except PlanFileError as exc:
            err(exc.message)
            return USAGE
        pinned, strict = list(planned), True
    else:
        desired, code = _load(args.files)
        if code != OK:
            return code
        pinned, strict = [None] * len(desired), False

    with remote.applying(conn, desired, force=args.force) as session:
        if not args.yes:
            shown = [p or session.read_plan(d) for p, d in zip(pinned, desired, strict=True)]
            explained = [remote.explain(c) for c in shown]
            for e in explained:
                print("\n".join(_describe_change(e)))
            changing = [e for e in explained if e.steps]
            if not changing:
                print("nothing to do")
                return OK
            steps = sum(len(e.steps) for e in changing)
            question = f"Apply {_many(steps, 'change')} to {_many(len(changing), 'campaign')}?"
            if not _confirm(question):
                err("cancelled; nothing was changed")
                return USAGE  # as a refusal without `--yes`: nothing was confirmed
            pinned = list(shown)
        progress = _Progress(len(desired), enabled=sys.stderr.isatty())
        items = list(zip(desired, pinned, strict=True))
        outcomes = session.apply(
            items, jobs=args.jobs, strict=strict, on_done=progress, on_stop=_stopping
        )
        retries, full = session.retries, session.stopped
    _print_outcomes(outcomes)
    interrupted = any(o.status == "interrupted" for o in outcomes)
    held = "interrupted" if interrupted else "disk full" if full is not None else None
    end = remote.finish_run(conn, outcomes, retries, args.metrics_file, held=held)
    _print_end(args, end)
    if interrupted:
        err("interrupted: the campaigns marked `interrupted` were not applied; run `apply` "
            "again to settle what was in flight and apply the rest")  # fmt: skip
        return INTERRUPTED
    if full is not None:  # a local problem: no room for the audit trail
        return USAGE
    return OK if all(o.ok for o in outcomes) else REMOTE


def _stopping() -> None:
    err("stopping: no further change is sent; waiting for the answers to those in flight "
        "(Ctrl-C again to stop at once: the next `apply` settles them)")  # fmt: skip


def _confirm(question: str) -> bool:
    """Only `y` or `yes` agrees; anything else, or the end of input, does not."""
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        print()  # the answer's line was never ended
        return False
    return answer.strip().lower() in ("y", "yes")


def _many(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


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
        if o.status in ("failed", "conflict") or (o.status == "interrupted" and o.patches):
            err(f"{o.campaign_id}: {o.message}")
        elif o.status == "unchanged" and o.message:  # an earlier run's change, settled now
            print(f"campaign `{o.campaign_id}`: {o.message}")
        if o.status == "conflict" and o.theirs is not None and o.ours is not None:
            print(f"campaign `{o.campaign_id}`: live selection (theirs) -> this file (ours):")
            lines = planning.render(planning.diff(o.theirs, o.ours), indent="  ")
            print("\n".join(lines) or "  (identical)")


def _print_end(args: argparse.Namespace, end: RunEnd) -> None:
    crm = end.crm
    if crm.delivered or crm.pending:
        note = f" ({crm.error})" if crm.error else ""
        print(f"crm: {crm.delivered} delivered, {crm.pending} pending{note}", file=sys.stderr)
    print(end.metrics.summary())
    if end.metrics_error is not None:
        err(f"cannot write metrics `{args.metrics_file}`: {end.metrics_error}")


@handle_errors
def run_import(args: argparse.Namespace) -> int:
    from selang.app.remote import import_campaign, preflight
    from selang.report import text

    if not args.campaign_id:
        err("the campaign id cannot be empty")
        return USAGE
    conn = connection(args)
    preflight(conn)
    imported = import_campaign(conn, args.campaign_id)
    if imported.source is None:
        sys.stderr.write(text.render(imported.diagnostics))
        what = "selang cannot read" if imported.problem == "unreadable" else "`.sel` cannot express"
        err(f"campaign `{args.campaign_id}` holds a selection {what}")
        return REMOTE
    print(imported.source, end="")
    return OK
