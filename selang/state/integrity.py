"""`audit verify`: what the trail proves, record by record, and what it cannot.

Walks the chain of `selang.state.audit` under the audit key when there is one: each record's
MAC (or, before keys, its plain hash), the links between records, the trail's creation proof,
every settlement against its intent, and each applied change's CRM event in the outbox.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any

import attrs

from selang.state import db, keys, outbox
from selang.state.audit import (
    APPLIED,
    GENESIS,
    INTENT,
    KEYED,
    KEYED_V1,
    KINDS,
    creation_proof,
    event_payload,
    record_hash,
    record_mac,
)


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
    settlement_problems, unsettled = _settlements(rows)
    problems.extend(settlement_problems)
    if any(r.get("scheme", "sha256") not in (KEYED, KEYED_V1) for r in rows):
        notes.append("records written before the audit key carry an unkeyed SHA-256")
    if unsettled:
        notes.append(_unsettled_note(unsettled))
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
        scheme = row.get("scheme", "sha256")
        if scheme in (KEYED, KEYED_V1):
            changed = key is not None and not hmac.compare_digest(record_mac(key, row), row["hash"])
            problems.extend(_event_problems(row, events))
        else:
            changed = (keyed_from is not None and seq >= keyed_from) or (
                record_hash(row) != row["hash"]
            )
        # records of the older schemes were all applied changes; their hash does not cover
        # the kind, so any other kind on one of them was put there afterwards
        kind, settles = row.get("kind", APPLIED), row.get("settles")
        relabelled = scheme != KEYED and (kind != APPLIED or settles is not None)
        if changed or relabelled:
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


def _settlements(rows: list[dict[str, Any]]) -> tuple[list[Problem], list[dict[str, Any]]]:
    """Each settlement names an earlier intent of the same change, which nothing else settles;
    also the intents nothing settles yet."""
    problems: list[Problem] = []
    intents: dict[int, dict[str, Any]] = {}
    settled: dict[int, int] = {}
    same = ("campaign_id", "version_before", "payload_sha256")
    for row in rows:
        seq, kind, target = row["seq"], row.get("kind", APPLIED), row.get("settles")
        if kind not in KINDS:
            problems.append(Problem(seq, f"record {seq} is of an unknown kind `{kind}`"))
        elif kind == INTENT:
            if (target, row["event_id"], row["version_after"]) != (None, None, None):
                problems.append(Problem(seq, f"record {seq} is an intent that carries an outcome"))
            intents[seq] = row
        elif kind == APPLIED and row["version_after"] is None:
            problems.append(
                Problem(seq, f"record {seq} is an applied change without the version it made")
            )
        elif target is not None:
            intent = intents.get(target)
            if intent is None or any(intent[k] != row[k] for k in same):
                problems.append(
                    Problem(
                        seq,
                        f"record {seq} settles record {target}, which is not an earlier intent "
                        "of the same change",
                    )
                )
            elif target in settled:
                problems.append(
                    Problem(
                        seq,
                        f"record {seq} settles record {target}, which record "
                        f"{settled[target]} settled already",
                    )
                )
            else:
                settled[target] = seq
            if kind == APPLIED and row["version_after"] != row["version_before"] + 1:
                problems.append(
                    Problem(seq, f"record {seq} has a version after that its PATCH cannot make")
                )
        elif kind != APPLIED:
            problems.append(Problem(seq, f"record {seq} settles no intent"))
    return problems, [row for seq, row in intents.items() if seq not in settled]


def _unsettled_note(unsettled: list[dict[str, Any]]) -> str:
    shown = ", ".join(
        f"#{r['seq']} (campaign `{r['campaign_id']}` at version {r['version_before']})"
        for r in unsettled[:5]
    )
    more = f" and {len(unsettled) - 5} more" if len(unsettled) > 5 else ""
    return (
        f"{len(unsettled)} change(s) sent but not settled yet: {shown}{more}; the next "
        "`selang apply` reads those campaigns to settle them"
    )


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
