"""The CRM outbox: events written in the audit record's transaction, sent later, at least once.

An event's id is fixed when it is written and reused on every delivery attempt, so the
receiver can drop duplicates.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import attrs

from selang.core import jsonio
from selang.state import db


@attrs.frozen
class Event:
    event_id: str
    audit_seq: int
    payload: str  # the exact JSON body, so every retry sends the same bytes
    attempts: int
    last_error: str | None
    delivered_at: str | None


def new_event_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def body_of(payload: dict[str, Any]) -> str:
    """The exact bytes an event sends, as text (the audit check rebuilds them from its record)."""
    return jsonio.dumps(payload)


def enqueue(
    conn: sqlite3.Connection,
    *,
    audit_seq: int,
    payload: dict[str, Any],
    event_id: str | None = None,
) -> str:
    """Called inside the caller's transaction."""
    event_id = event_id or new_event_id()
    body = body_of(payload)
    conn.execute(
        "INSERT INTO outbox (event_id, audit_seq, payload, created_at) VALUES (?, ?, ?, ?)",
        (event_id, audit_seq, body, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
    )
    return event_id


def pending(state_dir: Path) -> list[Event]:
    return _select(state_dir, "WHERE delivered_at IS NULL")


def all_events(state_dir: Path) -> list[Event]:
    return _select(state_dir, "")


def _select(state_dir: Path, where: str) -> list[Event]:
    if not db.exists(state_dir):
        return []  # no trail yet: nothing was ever queued
    conn = db.connect(state_dir)
    try:
        rows = conn.execute(
            "SELECT event_id, audit_seq, payload, attempts, last_error, delivered_at "
            f"FROM outbox {where} ORDER BY audit_seq"
        ).fetchall()
        return [Event(*tuple(r)) for r in rows]
    finally:
        conn.close()


def mark_delivered(state_dir: Path, event_id: str) -> None:
    _update(
        state_dir,
        "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1 WHERE event_id = ?",
        (dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), event_id),
    )


def mark_failed(state_dir: Path, event_id: str, error: str) -> None:
    _update(
        state_dir,
        "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE event_id = ?",
        (error, event_id),
    )


def _update(state_dir: Path, sql: str, params: tuple[Any, ...]) -> None:
    conn = db.connect(state_dir)
    try:
        with db.full_disk_named(state_dir):
            conn.execute(sql, params)
    finally:
        conn.close()
