"""Opening `<state-dir>/selang.db`: WAL, `synchronous=FULL`, schema created on first use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq            INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    campaign_id    TEXT NOT NULL,
    version_before INTEGER NOT NULL,
    version_after  INTEGER,
    payload_sha256 TEXT NOT NULL,
    actor          TEXT NOT NULL,
    cwd            TEXT NOT NULL,
    source         TEXT NOT NULL,
    result         TEXT NOT NULL,
    latency_ms     INTEGER NOT NULL,
    attempts       INTEGER NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chain_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    event_id     TEXT PRIMARY KEY,
    audit_seq    INTEGER NOT NULL,
    payload      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    delivered_at TEXT
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (delivered_at, audit_seq);
"""


def db_path(state_dir: Path) -> Path:
    return state_dir / "selang.db"


def connect(state_dir: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """A connection in autocommit mode; callers open transactions with `BEGIN IMMEDIATE`."""
    state_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        db_path(state_dir),
        timeout=30.0,
        isolation_level=None,
        check_same_thread=check_same_thread,
    )
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    # an audit record that a power cut could lose is not an audit record
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.executescript(SCHEMA)
    return conn
