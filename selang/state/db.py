"""Opening `<state-dir>/selang.db`: WAL, `synchronous=FULL`, schema created on first use.

The folder is created 0700 and the database 0600 (SQLite gives its WAL files the database's
mode). Readers (`audit log`, `audit verify`) open an existing database only, so looking at a
folder without a trail creates nothing there.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

from selang.core import files
from selang.core.errors import DiskFull

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
    hash           TEXT NOT NULL,
    compliant      INTEGER,
    event_id       TEXT,
    scheme         TEXT NOT NULL DEFAULT 'sha256',
    kind           TEXT NOT NULL DEFAULT 'applied',
    settles        INTEGER
);
CREATE TABLE IF NOT EXISTS chain_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS trail (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    created_at TEXT NOT NULL,
    legacy     INTEGER NOT NULL,
    proof      TEXT NOT NULL
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
# Columns added since the first release, for databases written by it, in the order they came.
_ADDED = {
    "compliant": "INTEGER",
    "event_id": "TEXT",
    "scheme": "TEXT NOT NULL DEFAULT 'sha256'",
    # intents: `kind` tells an intent (a PATCH about to be sent) from the record that settles
    # it; every record before intents existed is an applied change
    "kind": "TEXT NOT NULL DEFAULT 'applied'",
    "settles": "INTEGER",
}
# After the columns they index exist: finding the intents nobody has settled yet.
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS audit_intents ON audit (campaign_id, seq) WHERE kind = 'intent'",
    "CREATE UNIQUE INDEX IF NOT EXISTS audit_settles ON audit (settles) WHERE settles IS NOT NULL",
)


class TrailError(Exception):
    """The state database is missing or cannot be read; the message says which and where."""


def db_path(state_dir: Path) -> Path:
    return state_dir / "selang.db"


def exists(state_dir: Path) -> bool:
    return db_path(state_dir).is_file()


def private_folder(folder: Path) -> None:
    """Create `folder` (and its parents) for state: 0700 when this call creates it."""
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)


def connect(
    state_dir: Path,
    *,
    check_same_thread: bool = True,
    create: bool = True,
    init: Callable[[sqlite3.Connection], None] | None = None,
) -> sqlite3.Connection:
    """A connection in autocommit mode; callers open transactions with `BEGIN IMMEDIATE`.

    With `create` false the database must exist (`TrailError` otherwise) and is not changed.
    A database that does not exist yet is made whole, schema and `init`'s rows, before it
    appears under its name (`_create`).
    """
    path = db_path(state_dir)
    if create:
        private_folder(state_dir)
        if not path.exists():
            _create(path, init)
    elif not path.is_file():
        raise TrailError(f"there is no audit trail at `{path}`")
    uri = f"file:{quote(str(path.resolve()))}?mode={'rwc' if create else 'rw'}"
    conn = sqlite3.connect(
        uri, uri=True, timeout=30.0, isolation_level=None, check_same_thread=check_same_thread
    )
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA schema_version").fetchone()  # fails now on a file that is no db
        if create:
            conn.execute("PRAGMA journal_mode=WAL")
            # an audit record that a power cut could lose is not an audit record
            conn.execute("PRAGMA synchronous=FULL")
            conn.executescript(SCHEMA)
            _migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if out_of_room(exc, state_dir):  # a reader too: WAL needs room for its shared memory
            raise DiskFull(path) from None
        raise TrailError(f"`{path}` is not a readable state database ({exc})") from None
    return conn


def out_of_room(exc: sqlite3.Error, state_dir: Path) -> bool:
    """Whether SQLite failed for want of space: `SQLITE_FULL`, or an I/O error (its
    shared-memory file cannot grow, say) on a file system with no room left."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return False
    primary = code & 0xFF
    if primary == sqlite3.SQLITE_FULL:
        return True
    return primary == sqlite3.SQLITE_IOERR and files.no_room_left(state_dir)


@contextlib.contextmanager
def full_disk_named(state_dir: Path) -> Iterator[None]:
    """Around writes to the database: a full disk raises `DiskFull` naming it."""
    try:
        yield
    except sqlite3.Error as exc:
        if out_of_room(exc, state_dir):
            raise DiskFull(db_path(state_dir)) from None
        raise


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection, state_dir: Path) -> Iterator[sqlite3.Connection]:
    """`BEGIN IMMEDIATE` ... `COMMIT`, all or nothing; a full disk raises `DiskFull`.

    After some errors (a full disk, I/O errors) SQLite has already rolled the transaction
    back by itself; a `ROLLBACK` then would fail and hide the error that ended it.
    """
    with full_disk_named(state_dir):
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                # should this fail too, closing the connection rolls back all the same
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise


def _create(path: Path, init: Callable[[sqlite3.Connection], None] | None) -> None:
    """Build a new database in memory and write it into place in one step, so that a process
    killed at any moment leaves no database or a whole one: never an empty file, or tables
    without the rows `init` writes (which would read as an emptied trail)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("BEGIN IMMEDIATE")
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        _migrate(conn)
        if init is not None:
            init(conn)
        conn.execute("COMMIT")
        data = conn.serialize()
    finally:
        conn.close()
    with files.writing(path):
        files.write_new(path, data)  # made by another process meanwhile: theirs stands


def tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {row[0] for row in rows}


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})").fetchall()}


def _migrate(conn: sqlite3.Connection) -> None:
    have = columns(conn, "audit")
    for name, kind in _ADDED.items():
        if name not in have:
            conn.execute(f"ALTER TABLE audit ADD COLUMN {name} {kind}")
    for index in _INDEXES:
        conn.execute(index)
