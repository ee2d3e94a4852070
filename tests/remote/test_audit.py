"""The audit trail's hash chain: intact trails verify, any edit, deletion or reordering shows."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from selang.cli.main import main
from selang.state import audit, db, integrity, outbox


def fill(state: Path, n: int = 4) -> None:
    for i in range(n):
        audit.record_applied(
            state,
            audit.Change(
                campaign_id=f"c{i}",
                version_before=i + 1,
                version_after=i + 2,
                payload_sha256="ab" * 32,
                source=f"c{i}.sel",
                result="applied",
                latency_ms=12,
                attempts=1,
            ),
        )


def tamper(state: Path, sql: str) -> None:
    conn = sqlite3.connect(db.db_path(state))
    conn.executescript(sql)
    conn.close()


def test_database_is_wal_with_full_sync(tmp_path: Path) -> None:
    """The state database runs in WAL mode with `synchronous=FULL`."""
    conn = db.connect(tmp_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    conn.close()


def test_intact_chain_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Records link by hash and `audit verify` exits 0 on an untouched trail."""
    fill(tmp_path)
    records = audit.records(tmp_path)
    assert records[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(records))
    assert main(["audit", "verify", "--state-dir", str(tmp_path)]) == 0
    assert "intact: 4 record(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("sql", "where"),
    [
        ("UPDATE audit SET version_after = 99 WHERE seq = 2", "record 2 was changed"),
        ("UPDATE audit SET actor = 'someone@else' WHERE seq = 3", "record 3 was changed"),
        ("DELETE FROM audit WHERE seq = 2", "record(s) 2 missing"),
        ("DELETE FROM audit WHERE seq = 4", "chain ends at record 3"),
        (
            # swap the contents of records 2 and 3, keeping their numbers
            "UPDATE audit SET campaign_id = CASE seq WHEN 2 THEN 'c2' ELSE 'c1' END, "
            "hash = (SELECT hash FROM audit a WHERE a.seq = 5 - audit.seq), "
            "prev_hash = (SELECT prev_hash FROM audit a WHERE a.seq = 5 - audit.seq) "
            "WHERE seq IN (2, 3)",
            "record 2 does not follow",
        ),
        ("UPDATE audit SET seq = seq + 10 WHERE seq = 1", "record(s) 1 missing before record 2"),
    ],
    ids=["edit-version", "edit-actor", "delete-middle", "delete-last", "reorder", "move-to-end"],
)
def test_tampering_is_detected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sql: str, where: str
) -> None:
    """Edits, deletions and reordering make `audit verify` exit 1 and say where."""
    fill(tmp_path)
    tamper(tmp_path, sql)
    assert main(["audit", "verify", "--state-dir", str(tmp_path)]) == 1
    assert where in capsys.readouterr().out


def test_audit_log_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`audit log` prints one line per record, or JSON with every field and hash."""
    fill(tmp_path, 2)
    assert main(["audit", "log", "--state-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and out[0].startswith("#1 ") and "c0 v1 -> v2 applied" in out[0]
    assert main(["audit", "log", "--format", "json", "--state-dir", str(tmp_path)]) == 0
    import json

    rows = json.loads(capsys.readouterr().out)
    assert [r["seq"] for r in rows] == [1, 2] and rows[1]["prev_hash"] == rows[0]["hash"]


def test_event_written_in_same_transaction(tmp_path: Path) -> None:
    """Each audit record has exactly one outbox event naming it, written atomically with it."""
    fill(tmp_path, 3)
    conn = db.connect(tmp_path)
    rows = conn.execute("SELECT audit_seq FROM outbox ORDER BY audit_seq").fetchall()
    assert [r[0] for r in rows] == [1, 2, 3]
    conn.close()


def test_one_journal_serves_a_run_from_many_threads(tmp_path: Path) -> None:
    """Records handed to one shared journal by several threads at once (committed together,
    several to a sync) form one intact chain, each returned with its own number."""
    from concurrent.futures import ThreadPoolExecutor

    fill(tmp_path, 2)  # a chain from an earlier run, continued by this one

    def one(i: int) -> int:
        change = audit.Change(
            campaign_id=f"t{i}",
            version_before=1,
            version_after=2,
            payload_sha256="cd" * 32,
            source=f"t{i}.sel",
            result="applied",
            latency_ms=5,
            attempts=1,
        )
        return journal.record(change)[0].seq

    with audit.Journal(tmp_path) as journal, ThreadPoolExecutor(max_workers=8) as pool:
        seqs = list(pool.map(one, range(40)))
    assert integrity.verify(tmp_path) == []
    assert sorted(seqs) == list(range(3, 43))
    assert [r.seq for r in audit.records(tmp_path)] == list(range(1, 43))


def change(
    kind: str, version: int = 3, settles: int | None = None, cid: str = "c1"
) -> audit.Change:
    return audit.Change(
        campaign_id=cid,
        version_before=version,
        version_after=version + 1 if kind == audit.APPLIED else None,
        payload_sha256="ef" * 32,
        source=f"{cid}.sel",
        result={"intent": "intent", "applied": "applied"}.get(kind, "not applied: 409"),
        latency_ms=3,
        attempts=1,
        kind=kind,
        settles=settles,
    )


def intents(state: Path) -> None:
    """An applied change (intent 1, settled by 2), a conflict (3, 4) and an open intent (5)."""
    with audit.Journal(state) as journal:
        first = journal.record(change(audit.INTENT))[0].seq
        journal.record(change(audit.APPLIED, settles=first))
        other = journal.record(change(audit.INTENT, 4, cid="c2"))[0].seq
        journal.record(change(audit.ABANDONED, 4, settles=other, cid="c2"))
        journal.record(change(audit.INTENT, 4))


def test_intents_are_shown_and_verified(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`audit log` says which PATCH an intent announced and which intent each outcome settles;
    `audit verify` passes and names the intent not settled yet."""
    intents(tmp_path)
    assert main(["audit", "log", "--state-dir", str(tmp_path)]) == 0
    lines = [line.split(" by ")[0] for line in capsys.readouterr().out.splitlines()]
    assert [line.split(" ", 2)[2] for line in lines] == [
        "c1 v3 intent: PATCH to v4",
        "c1 v3 -> v4 applied (settles #1)",
        "c2 v4 intent: PATCH to v5",
        "c2 v4 not applied: 409 (settles #3)",
        "c1 v4 intent: PATCH to v5 (not settled yet)",
    ]
    assert main(["audit", "verify", "--state-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "1 change(s) sent but not settled yet: #5 (campaign `c1` at version 4)" in out
    assert "intact: 5 record(s)" in out
    assert [e.audit_seq for e in outbox.all_events(tmp_path)] == [2]  # the applied one only


def test_an_intent_is_settled_once(tmp_path: Path) -> None:
    """A second settlement of one intent is refused with the first, and writes nothing."""
    intents(tmp_path)
    with audit.Journal(tmp_path) as journal:
        with pytest.raises(audit.AlreadySettled) as raised:
            journal.record(change(audit.ABANDONED, settles=1))
        assert raised.value.existing.seq == 2
        with pytest.raises(ValueError, match="not an intent"):
            journal.record(change(audit.APPLIED, settles=2))
    assert len(audit.records(tmp_path)) == 5


@pytest.mark.parametrize(
    ("sql", "keyed", "where"),
    [
        ("UPDATE audit SET kind = 'applied' WHERE seq = 5", True, "record 5 was changed"),
        ("UPDATE audit SET settles = 5 WHERE seq = 4", True, "record 4 was changed"),
        ("UPDATE audit SET version_after = 5 WHERE seq = 5", False, "intent that carries"),
        ("UPDATE audit SET settles = 5 WHERE seq = 2", False, "not an earlier intent"),
        (
            "DROP INDEX audit_settles; UPDATE audit SET settles = 1 WHERE seq = 4",
            False,
            "record 4 settles record 1, which is not an earlier intent of the same change",
        ),
        (
            "DROP INDEX audit_settles; UPDATE audit SET kind = 'abandoned', settles = 3, "
            "campaign_id = 'c2' WHERE seq = 5",
            False,
            "record 5 settles record 3, which record 4 settled already",
        ),
        ("UPDATE audit SET kind = 'applied' WHERE seq = 5", False, "without the version it"),
        ("UPDATE audit SET kind = 'done' WHERE seq = 4", False, "unknown kind `done`"),
        ("UPDATE audit SET settles = NULL WHERE seq = 4", False, "record 4 settles no intent"),
        (
            "UPDATE audit SET scheme = 'hmac-sha256' WHERE seq = 2",
            False,
            "record 2 was changed",  # an older scheme's records are all plain applied ones
        ),
    ],
    ids=[
        "kind",
        "settles",
        "intent-outcome",
        "settles-later",
        "settles-another",
        "settled-twice",
        "intent-as-applied",
        "unknown-kind",
        "no-intent",
        "older-scheme",
    ],
)
def test_edited_intents_and_settlements_show(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sql: str, keyed: bool, where: str
) -> None:
    """Kinds and settlement links are under the MAC; without the key their shape is checked."""
    state = tmp_path / "state"
    intents(state)
    if not keyed:
        (tmp_path / "state.audit-key").unlink()
    tamper(state, sql)
    assert main(["audit", "verify", "--state-dir", str(state)]) == 1
    assert where in capsys.readouterr().out


def test_trail_from_before_intents_verifies_and_continues(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A keyed trail written before intents (no `kind` or `settles` columns, MACs of the
    earlier scheme) verifies as it was, takes intents after it, and verifies after that."""
    state = tmp_path / "state"
    fill(state, 2)
    conn = sqlite3.connect(db.db_path(state))
    for name in ("kind", "settles"):
        conn.execute("DROP INDEX IF EXISTS audit_intents")
        conn.execute("DROP INDEX IF EXISTS audit_settles")
        conn.execute(f"ALTER TABLE audit DROP COLUMN {name}")
    key = bytes.fromhex((tmp_path / "state.audit-key").read_text())
    names = [d[0] for d in conn.execute("SELECT * FROM audit").description]
    prev = audit.GENESIS
    for row in conn.execute("SELECT * FROM audit ORDER BY seq").fetchall():
        fields = dict(zip(names, row, strict=True)) | {"scheme": audit.KEYED_V1, "prev_hash": prev}
        prev = audit.record_mac(key, fields)
        conn.execute(
            "UPDATE audit SET scheme = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            (audit.KEYED_V1, fields["prev_hash"], prev, fields["seq"]),
        )
    conn.execute("UPDATE chain_head SET hash = ?", (prev,))
    conn.commit()
    conn.close()
    assert main(["audit", "verify", "--state-dir", str(state)]) == 0
    intents(state)
    records = audit.records(state)
    assert [r.scheme for r in records] == [audit.KEYED_V1] * 2 + [audit.KEYED] * 5
    assert [r.kind for r in records][:3] == ["applied", "applied", "intent"]
    assert main(["audit", "verify", "--state-dir", str(state)]) == 0
    assert "intact: 7 record(s)" in capsys.readouterr().out


def test_a_state_database_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    """Creating the database fails part way (here, in the rows that make the trail): no file
    is left that `audit verify` would read as an emptied trail; the next try makes it whole."""
    state = tmp_path / "state"

    def fails(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO trail (id, created_at, legacy, proof) VALUES (1, 'x', 0, 'y')")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        db.connect(state, init=fails)
    assert not db.exists(state) and list(state.iterdir()) == []
    audit.Journal(state).close()
    assert integrity.inspect(state).proven
