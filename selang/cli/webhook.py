"""`selang webhook register|list|delete|flush`: CXone webhooks and the local CRM outbox."""

from __future__ import annotations

import argparse

from selang.cli.connection import (
    OK,
    REMOTE,
    USAGE,
    connection,
    connection_options,
    err,
    handle_errors,
    state_option,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    hook = sub.add_parser("webhook", help="manage CXone webhooks and the CRM outbox")
    hook_sub = hook.add_subparsers(dest="webhook_command", metavar="COMMAND", required=True)
    reg = hook_sub.add_parser("register", help="register a CXone webhook")
    reg.add_argument("url", metavar="URL")
    reg.add_argument("--event", action="append", required=True, metavar="EVENT")
    reg.add_argument(
        "--secret-file",
        metavar="PATH",
        help="write the one-time signing secret to this new file (0600) instead of stdout",
    )
    connection_options(reg)
    reg.set_defaults(run=run_webhook_register)
    lst = hook_sub.add_parser("list", help="list CXone webhooks")
    connection_options(lst)
    lst.set_defaults(run=run_webhook_list)
    delete = hook_sub.add_parser("delete", help="delete a CXone webhook")
    delete.add_argument("webhook_id", metavar="ID")
    connection_options(delete)
    delete.set_defaults(run=run_webhook_delete)
    flush = hook_sub.add_parser("flush", help="send pending CRM events now")
    state_option(flush)
    flush.set_defaults(run=run_webhook_flush)


@handle_errors
def run_webhook_register(args: argparse.Namespace) -> int:
    from selang.app.remote import register_webhook

    hook = register_webhook(connection(args), args.url, args.event, args.secret_file)
    print(f"registered webhook `{hook.webhook_id}` for {', '.join(args.event)}")
    if hook.secret is not None:
        # the server shows it this once; receivers need it to verify the signatures
        print(f"signing secret (shown only now; give it to the receiver): {hook.secret}")
    elif hook.secret_file is not None:
        print(f"signing secret written to `{hook.secret_file}` (0600)")
    else:
        err("the server gave no signing secret for this webhook")
    return OK


@handle_errors
def run_webhook_list(args: argparse.Namespace) -> int:
    from selang.app.remote import connect

    with connect(connection(args)) as client:
        hooks = client.list_webhooks()
    if not hooks:
        print("no webhooks registered")
    for h in hooks:
        events = ", ".join(str(e) for e in h.get("events", []))
        print(f"{h.get('id')}  {h.get('url')}  {events}")
    return OK


@handle_errors
def run_webhook_delete(args: argparse.Namespace) -> int:
    from selang.app.remote import connect

    with connect(connection(args)) as client:
        client.delete_webhook(args.webhook_id)
    print(f"deleted webhook `{args.webhook_id}`")
    return OK


@handle_errors
def run_webhook_flush(args: argparse.Namespace) -> int:
    from selang.app.remote import flush_crm

    report, configured = flush_crm(args.state_dir, budget=30.0)
    print(f"crm: {report.delivered} delivered, {report.pending} pending")
    if report.pending and not configured:
        err("set `CRM_WEBHOOK_URL` to deliver pending events")
        return USAGE
    if report.pending:
        err(report.error or "some events are still pending")
        return REMOTE
    return OK
