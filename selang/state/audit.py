"""The audit trail: one chained record per PATCH intended and per outcome, with CRM events.

Before each PATCH an `intent` record names the campaign, the version the PATCH is sent at and
the selection's hash; a later record settles it: `applied` (with its CRM event, in the same
transaction), `abandoned` (it did not land) or `undetermined` (whether it landed cannot be
told). An intent with no settlement is a change in flight, or one whose run was stopped; the
next run settles it. Each record carries the previous record's hash and its own HMAC-SHA256,
under the audit key (`selang.state.keys`, kept outside the database), over a canonical JSON of
every field; `chain_head` remembers the last one and the `trail` row proves when the trail
was created, so edits, deletions, reordering and an emptied trail all show. Records written
before the key existed carry a plain SHA-256 (`scheme = 'sha256'`) and are checked as such.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import hashlib
import hmac
import os
import socket
import sqlite3
import threading
from pathlib import Path
from typing import Any

import attrs

from selang.core import jsonio
from selang.state import db, keys, outbox

GENESIS = "0" * 64
INTENT, APPLIED, ABANDONED, UNDETERMINED = "intent", "applied", "abandoned", "undetermined"
KINDS = (INTENT, APPLIED, ABANDONED, UNDETERMINED)
SETTLEMENTS = (APPLIED, ABANDONED, UNDETERMINED)
FIELDS = (
    "seq", "at", "campaign_id", "version_before", "version_after", "payload_sha256",
    "actor", "cwd", "source", "result", "latency_ms", "attempts", "prev_hash",
)  # fmt: skip


@attrs.frozen
class Change:
    """A record as the engine gives it: an intent, an applied change or another settlement
    (`settles`: the intent's seq); never contact data, only the payload's hash."""

    campaign_id: str
    version_before: int
    version_after: int | None
    payload_sha256: str
    source: str
    result: str
    latency_ms: int
    attempts: int
    compliant: bool = True
    kind: str = APPLIED
    settles: int | None = None
    actor: str = attrs.field(factory=lambda: who())
    cwd: str = attrs.field(factory=os.getcwd)


@attrs.frozen
class AuditRecord:
    seq: int
    at: str
    campaign_id: str
    version_before: int
    version_after: int | None
    payload_sha256: str
    actor: str
    cwd: str
    source: str
    result: str
    latency_ms: int
    attempts: int
    prev_hash: str
    hash: str
    compliant: bool | None = None
    event_id: str | None = None
    scheme: str = "sha256"
    kind: str = APPLIED
    settles: int | None = None

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)

    @classmethod
    def from_row(cls, row: Any) -> AuditRecord:
        values = {k: row[k] for k in row.keys()}  # noqa: SIM118
        if values.get("compliant") is not None:
            values["compliant"] = bool(values["compliant"])
        return cls(**values)


# Keyed records since intents: the MAC covers `kind` and `settles` too.
KEYED = "hmac-sha256-v2"
# Keyed records from before intents; each of them is an applied change that settles nothing.
KEYED_V1 = "hmac-sha256"
MAC_FIELDS_V1 = (*FIELDS, "compliant", "event_id", "scheme")
MAC_FIELDS = (*MAC_FIELDS_V1, "kind", "settles")


class AlreadySettled(Exception):
    """The intent a settlement names was settled meanwhile (by another run): `existing` did."""

    def __init__(self, existing: AuditRecord) -> None:
        super().__init__(f"record {existing.settles} is already settled by record {existing.seq}")
        self.existing = existing


def who() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def _canonical(body: dict[str, Any]) -> bytes:
    return jsonio.dumps(body, canonical=True).encode("utf-8")


def record_hash(fields: dict[str, Any]) -> str:
    """The unkeyed SHA-256 of records written before the audit key (scheme `sha256`)."""
    return hashlib.sha256(_canonical({k: fields[k] for k in FIELDS})).hexdigest()


def record_mac(key: bytes, fields: dict[str, Any]) -> str:
    """HMAC-SHA256 over every field but the MAC itself, `compliant` and the event included
    (and the kind and the intent it settles, for records of the current scheme)."""
    names = MAC_FIELDS_V1 if fields["scheme"] == KEYED_V1 else MAC_FIELDS
    body = {k: fields[k] for k in names}
    if body["compliant"] is not None:
        body["compliant"] = bool(body["compliant"])
    return hmac.new(key, _canonical(body), hashlib.sha256).hexdigest()


def creation_proof(key: bytes, created_at: str, legacy: int) -> str:
    """What the `trail` row holds: only a key holder can make it, so a trail that was emptied
    and re-created by someone else does not verify. `legacy` counts the records written
    before the key; every later one must carry a MAC."""
    text = f"selang-audit-trail:{created_at}:{legacy}".encode()
    return hmac.new(key, text, hashlib.sha256).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def record_applied(
    state_dir: Path, change: Change, *, notify: bool = True
) -> tuple[AuditRecord, str | None]:
    """Append the record and (with `notify`) its CRM event in one transaction."""
    with Journal(state_dir) as journal:
        return journal.record(change, notify=notify)


class Journal:
    """One connection for a run's records, safe to share between threads, with group commit.

    Each record must be on disk before `record` returns (an intent before its PATCH leaves),
    and each commit costs a WAL sync; the records that threads hand in while a commit is under
    way go out together in the next one, so many workers share a sync instead of queueing for
    one each. Opening and closing per record would also checkpoint the WAL every time.
    """

    def __init__(self, state_dir: Path) -> None:
        key = keys.load_key(state_dir, create=True)
        assert key is not None  # `create` makes one when there is none
        self._key: bytes = key
        self._state_dir = state_dir
        self._writing = threading.Lock()  # held by the thread committing a batch
        self._queue_lock = threading.Lock()
        self._queue: list[_Pending] = []
        self._conn = db.connect(state_dir, check_same_thread=False, init=self._new_trail)
        try:
            self._start_trail()
        except BaseException:
            self._conn.close()
            raise

    def _start_trail(self) -> None:
        """Write the trail's creation proof once (a new database has it from `_new_trail`);
        a trail from before keys is marked legacy."""
        conn = self._conn
        with db.transaction(conn, self._state_dir):
            if conn.execute("SELECT 1 FROM trail").fetchone() is None:
                self._new_trail(conn)

    def _new_trail(self, conn: Any) -> None:
        """The creation proof and, for a trail with no records, the chain's genesis head;
        inside the caller's transaction."""
        legacy = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
        created = _now()
        conn.execute(
            "INSERT INTO trail (id, created_at, legacy, proof) VALUES (1, ?, ?, ?)",
            (created, legacy, creation_proof(self._key, created, legacy)),
        )
        if not legacy:
            conn.execute(
                "INSERT OR IGNORE INTO chain_head (id, seq, hash) VALUES (1, 0, ?)", (GENESIS,)
            )

    def close(self) -> None:
        with self._writing:
            self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(self, change: Change, *, notify: bool = True) -> tuple[AuditRecord, str | None]:
        """Append the record and, for an applied change with `notify`, its CRM event, in one
        transaction, and return once it is committed. A settlement of an intent that is
        settled already raises `AlreadySettled` and writes nothing."""
        if change.kind not in KINDS:
            raise ValueError(f"unknown kind of audit record `{change.kind}`")
        mine = _Pending(change, notify)
        with self._queue_lock:
            self._queue.append(mine)
        with self._writing:
            if not mine.done:  # nobody took it into their commit meanwhile: commit the queue
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._commit(batch)
        if mine.error is not None:
            raise mine.error
        assert mine.result is not None
        return mine.result

    def _commit(self, batch: list[_Pending]) -> None:
        """One transaction for `batch`; a record that is refused (`_check_open`) is left out
        by its savepoint, the others go in. Each pending record gets its result or error."""
        conn = self._conn
        try:
            with db.full_disk_named(self._state_dir):  # no room: `DiskFull`, naming the file
                conn.execute("BEGIN IMMEDIATE")
                for pending in batch:
                    conn.execute("SAVEPOINT one")
                    try:
                        pending.result = self._append(pending.change, pending.notify)
                    except (AlreadySettled, ValueError) as exc:
                        conn.execute("ROLLBACK TO one")
                        pending.error = exc
                    conn.execute("RELEASE one")
                conn.execute("COMMIT")
        except BaseException as exc:
            _rollback(conn)
            failed = exc if isinstance(exc, Exception) else InterruptedError("interrupted")
            for pending in batch:
                pending.result, pending.error = None, failed
            if not isinstance(exc, Exception):
                raise
        finally:
            for pending in batch:
                pending.done = True

    def _append(self, change: Change, notify: bool) -> tuple[AuditRecord, str | None]:
        conn = self._conn
        if change.settles is not None:
            self._check_open(change)
        head = conn.execute("SELECT seq, hash FROM chain_head WHERE id = 1").fetchone()
        seq, prev = (head["seq"] + 1, head["hash"]) if head else (1, GENESIS)
        fields: dict[str, Any] = {
            "seq": seq,
            "at": _now(),
            "campaign_id": change.campaign_id,
            "version_before": change.version_before,
            "version_after": change.version_after,
            "payload_sha256": change.payload_sha256,
            "actor": change.actor,
            "cwd": change.cwd,
            "source": change.source,
            "result": change.result,
            "latency_ms": change.latency_ms,
            "attempts": change.attempts,
            "prev_hash": prev,
            "compliant": change.compliant,
            "event_id": outbox.new_event_id() if notify and change.kind == APPLIED else None,
            "scheme": KEYED,
            "kind": change.kind,
            "settles": change.settles,
        }
        fields["hash"] = record_mac(self._key, fields)
        names = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        conn.execute(f"INSERT INTO audit ({names}) VALUES ({marks})", tuple(fields.values()))
        conn.execute(
            "INSERT INTO chain_head (id, seq, hash) VALUES (1, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            (seq, fields["hash"]),
        )
        event_id = fields["event_id"]
        if event_id is not None:
            outbox.enqueue(conn, audit_seq=seq, payload=event_payload(fields), event_id=event_id)
        return AuditRecord(**fields), event_id

    def _check_open(self, change: Change) -> None:
        row = self._conn.execute(
            "SELECT kind, campaign_id FROM audit WHERE seq = ?", (change.settles,)
        ).fetchone()
        if row is None or row["kind"] != INTENT or row["campaign_id"] != change.campaign_id:
            raise ValueError(f"record {change.settles} is not an intent for this campaign")
        done = self._conn.execute(
            "SELECT * FROM audit WHERE settles = ?", (change.settles,)
        ).fetchone()
        if done is not None:
            raise AlreadySettled(AuditRecord.from_row(done))

    def open_intents(self, campaign_id: str | None = None) -> list[AuditRecord]:
        """Intents no record settles yet (changes in flight, or left by a stopped run)."""
        with self._writing:
            return _open_intents(self._conn, campaign_id)


@attrs.define
class _Pending:
    """A record handed to `Journal.record`, waiting for the commit that takes it."""

    change: Change
    notify: bool
    done: bool = False
    result: tuple[AuditRecord, str | None] | None = None
    error: Exception | None = None


def _open_intents(conn: Any, campaign_id: str | None = None) -> list[AuditRecord]:
    where = "" if campaign_id is None else " AND a.campaign_id = ?"
    rows = conn.execute(
        "SELECT * FROM audit a WHERE a.kind = 'intent'"
        f"{where} AND NOT EXISTS (SELECT 1 FROM audit b WHERE b.settles = a.seq) ORDER BY a.seq",
        () if campaign_id is None else (campaign_id,),
    ).fetchall()
    return [AuditRecord.from_row(row) for row in rows]


def _rollback(conn: Any) -> None:
    # An interrupt can arrive after COMMIT returned, and after a full disk SQLite has rolled
    # back by itself: then there is nothing to roll back, and an error from ROLLBACK must not
    # hide the interrupt or the error that ended the transaction.
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def event_payload(fields: dict[str, Any]) -> dict[str, Any]:
    """The CRM event of a record, from the record's own fields."""
    return {
        "campaignId": fields["campaign_id"],
        "auditId": fields["seq"],
        "updatedAt": fields["at"],
        "compliant": bool(fields["compliant"]),
    }


def records(state_dir: Path) -> list[AuditRecord]:
    """The trail's records, oldest first; none where there is no trail (nothing is created)."""
    if not db.exists(state_dir):
        return []
    conn = db.connect(state_dir, create=False)
    try:
        if "audit" not in db.tables(conn):
            return []
        rows = conn.execute("SELECT * FROM audit ORDER BY seq").fetchall()
        return [AuditRecord.from_row(row) for row in rows]
    finally:
        conn.close()


def applied(state_dir: Path) -> list[AuditRecord]:
    """The applied changes, oldest first: what the campaigns' version histories hold of ours."""
    return [r for r in records(state_dir) if r.kind == APPLIED]


def open_intents(state_dir: Path) -> list[AuditRecord]:
    """Intents no record settles yet; none where there is no trail (nothing is created)."""
    if not db.exists(state_dir):
        return []
    conn = db.connect(state_dir, create=False)
    try:
        if "kind" not in db.columns(conn, "audit"):
            return []
        return _open_intents(conn)
    finally:
        conn.close()
