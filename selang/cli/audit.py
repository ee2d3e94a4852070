"""`selang audit log` and `audit verify`: the local audit trail of applied changes."""

from __future__ import annotations

import argparse

from selang.cli.connection import OK, err, handle_errors, state_option


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser("audit", help="show or verify the local audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    log = audit_sub.add_parser("log", help="list applied changes")
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
    for r in records:
        print(
            f"#{r.seq} {r.at} {r.campaign_id} v{r.version_before} -> v{r.version_after} "
            f"{r.result} by {r.actor} from `{r.source}` ({r.latency_ms} ms) "
            f"payload {r.payload_sha256[:12]} hash {r.hash[:12]}"
        )
    return OK


@handle_errors
def run_audit_verify(args: argparse.Namespace) -> int:
    from selang.app.remote import state_dir
    from selang.state import audit

    found = audit.inspect(state_dir(args.state_dir))
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
