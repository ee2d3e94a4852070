"""The audit trail's hash chain: intact trails verify, any edit, deletion or reordering shows."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from selang.cli.main import main
from selang.state import audit, db


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
    conn.execute(sql)
    conn.commit()
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
    """Records written through one shared journal by several threads form one intact chain."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    fill(tmp_path, 2)  # a chain from an earlier run, continued by this one
    lock = threading.Lock()

    def one(i: int) -> None:
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
        with lock:
            journal.record(change)

    with audit.Journal(tmp_path) as journal, ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one, range(12)))
    assert audit.verify(tmp_path) == []
    assert [r.seq for r in audit.records(tmp_path)] == list(range(1, 15))
