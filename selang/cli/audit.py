"""`selang audit log` and `audit verify`: the local audit trail of applied changes."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from selang.cli.connection import OK, err, handle_errors, state_option

if TYPE_CHECKING:
    from selang.state.audit import AuditRecord


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser("audit", help="show or verify the local audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    log = audit_sub.add_parser("log", help="list the changes sent and their outcomes")
    log.add_argument("--format", choices=["text", "json"], default="text")
    state_option(log)
    log.set_defaults(run=run_audit_log)
    verify = audit_sub.add_parser("verify", help="check the hash chain (exit 1 when broken)")
    state_option(verify)
    verify.set_defaults(run=run_audit_verify)


@handle_errors
def run_audit_log(args: argparse.Namespace) -> int:
    import json

    from selang.app.remote import state_dir
    from selang.state import audit, db

    where = state_dir(args.state_dir)
    if not db.exists(where):
        err(f"there is no audit trail at `{db.db_path(where)}`")
        return 1
    records = audit.records(where)
    if args.format == "json":
        print(json.dumps([r.to_json() for r in records], indent=2, ensure_ascii=False))
        return OK
    if not records:
        print("no applied changes recorded")
    unsettled = {r.seq for r in audit.open_intents(where)}
    for r in records:
        print(_line(r, r.seq in unsettled))
    return OK


def _line(r: AuditRecord, unsettled: bool) -> str:
    """One record: an intent says the PATCH it announced; a settlement names its intent."""
    from selang.state import audit

    if r.kind == audit.INTENT:
        what = f"v{r.version_before} intent: PATCH to v{r.version_before + 1}"
        what += " (not settled yet)" if unsettled else ""
    elif r.kind == audit.APPLIED:
        what = f"v{r.version_before} -> v{r.version_after} {r.result}"
    else:  # abandoned or undetermined: the result says which, and why
        what = f"v{r.version_before} {r.result}"
    if r.settles is not None:
        what += f" (settles #{r.settles})"
    return (
        f"#{r.seq} {r.at} {r.campaign_id} {what} by {r.actor} from `{r.source}` "
        f"({r.latency_ms} ms) payload {r.payload_sha256[:12]} hash {r.hash[:12]}"
    )


@handle_errors
def run_audit_verify(args: argparse.Namespace) -> int:
    from selang.app.remote import state_dir
    from selang.state import integrity

    found = integrity.inspect(state_dir(args.state_dir))
    for note in found.notes:
        print(f"note: {note}")
    if found.problems:
        for p in found.problems:
            print(f"audit trail broken: {p.message}")
        return 1
    if found.records == 0 and not found.proven:
        print(
            "audit trail holds 0 records, and without the audit key it cannot be shown "
            "that it was created empty"
        )
        return 1
    print(f"audit trail intact: {found.records} record(s)")
    return OK
