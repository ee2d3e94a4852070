"""The audit trail: one hash-chained record per applied change, written with its CRM event.

Each record carries the previous record's hash and its own hash over a canonical JSON of its
fields; `chain_head` remembers the last one, so edits, deletions and reordering all show.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
import socket
from pathlib import Path
from typing import Any

import attrs

from selang.core import jsonio
from selang.state import db, outbox

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

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


def who() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def record_hash(fields: dict[str, Any]) -> str:
    body = {k: fields[k] for k in FIELDS}
    text = jsonio.dumps(body, canonical=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
        self._conn = db.connect(state_dir, check_same_thread=False)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(self, change: Change, *, notify: bool = True) -> tuple[AuditRecord, str | None]:
        """Append the record and (with `notify`) its CRM event in one transaction."""
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
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
            }
            fields["hash"] = record_hash(fields)
            names = ", ".join(fields)
            marks = ", ".join("?" for _ in fields)
            conn.execute(f"INSERT INTO audit ({names}) VALUES ({marks})", tuple(fields.values()))
            conn.execute(
                "INSERT INTO chain_head (id, seq, hash) VALUES (1, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                (seq, fields["hash"]),
            )
            event_id = None
            if notify:
                event_id = outbox.enqueue(
                    conn,
                    audit_seq=seq,
                    payload={
                        "campaignId": change.campaign_id,
                        "auditId": seq,
                        "updatedAt": fields["at"],
                        "compliant": change.compliant,
                    },
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return AuditRecord(**fields), event_id


def records(state_dir: Path) -> list[AuditRecord]:
    conn = db.connect(state_dir)
    try:
        rows = conn.execute("SELECT * FROM audit ORDER BY seq").fetchall()
        return [AuditRecord(**{k: row[k] for k in row.keys()}) for row in rows]  # noqa: SIM118
    finally:
        conn.close()


@attrs.frozen
class Problem:
    seq: int | None
    message: str


def verify(state_dir: Path) -> list[Problem]:
    """Every break in the chain, first one first; empty when the trail is intact."""
    conn = db.connect(state_dir)
    try:
        rows = conn.execute("SELECT * FROM audit ORDER BY seq").fetchall()
        head = conn.execute("SELECT seq, hash FROM chain_head WHERE id = 1").fetchone()
    finally:
        conn.close()
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
        if record_hash(dict(row)) != row["hash"]:
            problems.append(Problem(seq, f"record {seq} was changed after it was written"))
        prev_hash, expected_seq = row["hash"], seq + 1
    if head is None:
        if rows:
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
