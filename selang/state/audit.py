"""The audit trail: one chained record per applied change, written with its CRM event.

Each record carries the previous record's hash and its own HMAC-SHA256, under the audit key
(`selang.state.keys`, kept outside the database), over a canonical JSON of every field;
`chain_head` remembers the last one and the `trail` row proves when the trail was created, so
edits, deletions, reordering and an emptied trail all show. Records written before the key
existed carry a plain SHA-256 (`scheme = 'sha256'`) and are checked as such.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import hmac
import os
import socket
from pathlib import Path
from typing import Any

import attrs

from selang.core import jsonio
from selang.state import db, keys, outbox

GENESIS = "0" * 64
FIELDS = (
    "seq", "at", "campaign_id", "version_before", "version_after", "payload_sha256",
    "actor", "cwd", "source", "result", "latency_ms", "attempts", "prev_hash",
)  # fmt: skip


@attrs.frozen
class Change:
    """An applied change as the engine saw it; never contact data, only the payload's hash."""

    campaign_id: str
    version_before: int
    version_after: int | None
    payload_sha256: str
    source: str
    result: str
    latency_ms: int
    attempts: int
    compliant: bool = True
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

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)

    @classmethod
    def from_row(cls, row: Any) -> AuditRecord:
        values = {k: row[k] for k in row.keys()}  # noqa: SIM118
        if values.get("compliant") is not None:
            values["compliant"] = bool(values["compliant"])
        return cls(**values)


KEYED = "hmac-sha256"
MAC_FIELDS = (*FIELDS, "compliant", "event_id", "scheme")


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
    """HMAC-SHA256 over every field but the MAC itself, `compliant` and the event included."""
    body = {k: fields[k] for k in MAC_FIELDS}
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
    """One connection for a run's records: each commit costs one WAL sync, not a reopen.

    Opening and closing per record would also checkpoint the WAL into the database (more
    syncs) every time. Callers serialise `record`; the connection may cross threads.
    """

    def __init__(self, state_dir: Path) -> None:
        key = keys.load_key(state_dir, create=True)
        assert key is not None  # `create` makes one when there is none
        self._key: bytes = key
        self._state_dir = state_dir
        self._conn = db.connect(state_dir, check_same_thread=False)
        try:
            self._start_trail()
        except BaseException:
            self._conn.close()
            raise

    def _start_trail(self) -> None:
        """Write the trail's creation proof once; a trail from before keys is marked legacy."""
        conn = self._conn
        with db.transaction(conn, self._state_dir):
            if conn.execute("SELECT 1 FROM trail").fetchone() is None:
                legacy = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
                created = _now()
                conn.execute(
                    "INSERT INTO trail (id, created_at, legacy, proof) VALUES (1, ?, ?, ?)",
                    (created, legacy, creation_proof(self._key, created, legacy)),
                )
                if not legacy:
                    conn.execute(
                        "INSERT OR IGNORE INTO chain_head (id, seq, hash) VALUES (1, 0, ?)",
                        (GENESIS,),
                    )

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(self, change: Change, *, notify: bool = True) -> tuple[AuditRecord, str | None]:
        """Append the record and (with `notify`) its CRM event in one transaction."""
        conn = self._conn
        with db.transaction(conn, self._state_dir):
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
                "event_id": outbox.new_event_id() if notify else None,
                "scheme": KEYED,
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
                outbox.enqueue(
                    conn, audit_seq=seq, payload=event_payload(fields), event_id=event_id
                )
        return AuditRecord(**fields), event_id


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


@attrs.frozen
class Problem:
    seq: int | None
    message: str


@attrs.frozen
class Verification:
    """What `audit verify` found. `keyed`: the records' MACs were checked under the key;
    `proven`: the trail's creation proof checked too, so even an empty trail is known intact."""

    records: int
    problems: tuple[Problem, ...]
    keyed: bool
    proven: bool
    notes: tuple[str, ...] = ()


def verify(state_dir: Path) -> list[Problem]:
    """Every break in the trail, first one first; empty when the trail is intact or was never
    started (`inspect` tells a missing trail apart)."""
    return list(inspect(state_dir).problems) if db.exists(state_dir) else []


def inspect(state_dir: Path) -> Verification:
    """Check the whole trail: a missing, unreadable or emptied trail is a problem too."""
    if not db.exists(state_dir):
        problem = Problem(None, f"there is no audit trail at `{db.db_path(state_dir)}`")
        return Verification(0, (problem,), keyed=False, proven=False)
    try:
        key = keys.load_key(state_dir, create=False)
        conn = db.connect(state_dir, create=False)
    except (db.TrailError, keys.AuditKeyError) as exc:
        return Verification(0, (Problem(None, str(exc)),), keyed=False, proven=False)
    try:
        return _inspect(conn, key, keys.key_source(state_dir))
    finally:
        conn.close()


def _inspect(conn: Any, key: bytes | None, key_source: str) -> Verification:
    found = db.tables(conn)
    notes: list[str] = []
    if "audit" not in found or "chain_head" not in found:
        gone = Problem(None, "the audit tables are missing: the trail was emptied or replaced")
        return Verification(0, (gone,), keyed=False, proven=False)
    legacy_file = "scheme" not in db.columns(conn, "audit")  # never opened by a keyed selang
    rows = [dict(r) for r in conn.execute("SELECT * FROM audit ORDER BY seq").fetchall()]
    head = conn.execute("SELECT seq, hash FROM chain_head WHERE id = 1").fetchone()
    trail = conn.execute("SELECT * FROM trail").fetchone() if "trail" in found else None
    events = {}
    if "outbox" in found:
        for e in conn.execute("SELECT event_id, audit_seq, payload FROM outbox").fetchall():
            events[e["event_id"]] = (e["audit_seq"], e["payload"])
    problems: list[Problem] = []
    proven = False
    if trail is None and not legacy_file:
        problems.append(
            Problem(None, "the trail's creation record is missing: it was emptied or replaced")
        )
    elif trail is not None and key is not None:
        expected = creation_proof(key, trail["created_at"], trail["legacy"])
        proven = hmac.compare_digest(expected, trail["proof"])
        if not proven:
            problems.append(
                Problem(None, "the trail's creation record does not match the audit key")
            )
    if key is None:
        notes.append(
            f"no audit key ({key_source}): links and order were checked, but not who wrote "
            "the records"
        )
    # Records after those written before the key must all carry a MAC, or a writer could
    # swap one for an unkeyed hash of an edited record.
    keyed_from = None if trail is None else trail["legacy"] + 1
    problems.extend(_walk(rows, head, key, events, keyed_from, legacy=legacy_file))
    if any(r.get("scheme", "sha256") != KEYED for r in rows):
        notes.append("records written before the audit key carry an unkeyed SHA-256")
    keyed = key is not None
    return Verification(len(rows), tuple(problems), keyed, proven and not problems, tuple(notes))


def _walk(
    rows: list[dict[str, Any]],
    head: Any,
    key: bytes | None,
    events: dict[str, tuple[int, str]],
    keyed_from: int | None,
    *,
    legacy: bool,
) -> list[Problem]:
    problems: list[Problem] = []
    prev_hash, expected_seq = GENESIS, 1
    for row in rows:
        seq = row["seq"]
        if seq != expected_seq:
            missing = f"{expected_seq}" if seq == expected_seq + 1 else f"{expected_seq}-{seq - 1}"
            problems.append(Problem(seq, f"record(s) {missing} missing before record {seq}"))
        if row["prev_hash"] != prev_hash:
            problems.append(
                Problem(
                    seq,
                    f"record {seq} does not follow the record before it "
                    "(a record was deleted, inserted or moved)",
                )
            )
        if row.get("scheme", "sha256") == KEYED:
            if key is not None and not hmac.compare_digest(record_mac(key, row), row["hash"]):
                problems.append(Problem(seq, f"record {seq} was changed after it was written"))
            problems.extend(_event_problems(row, events))
        elif (keyed_from is not None and seq >= keyed_from) or record_hash(row) != row["hash"]:
            problems.append(Problem(seq, f"record {seq} was changed after it was written"))
        prev_hash, expected_seq = row["hash"], seq + 1
    if head is None:
        if rows or not legacy:
            problems.append(Problem(None, "the chain head is missing"))
    elif head["seq"] != expected_seq - 1 or head["hash"] != prev_hash:
        problems.append(
            Problem(
                head["seq"],
                f"the chain ends at record {expected_seq - 1} but its head says record "
                f"{head['seq']} (records removed from the end, or the last one changed)",
            )
        )
    return problems


def _event_problems(row: dict[str, Any], events: dict[str, tuple[int, str]]) -> list[Problem]:
    """A keyed record names its CRM event: the outbox must still hold it, unchanged."""
    event_id, seq = row["event_id"], row["seq"]
    if event_id is None:
        return []
    if event_id not in events:
        return [Problem(seq, f"the CRM event of record {seq} was removed from the outbox")]
    audit_seq, payload = events[event_id]
    if audit_seq != seq or payload != outbox.body_of(event_payload(row)):
        return [Problem(seq, f"the CRM event of record {seq} was changed in the outbox")]
    return []
