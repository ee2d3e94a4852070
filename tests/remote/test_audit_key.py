"""The keyed audit trail: a writer without the key cannot rewrite it unseen, a missing or
emptied trail is never reported intact, and state is private to its owner."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from selang.cli.main import main
from selang.state import audit, db, keys
from tests.remote.test_audit import fill, tamper


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(keys.KEY_ENV, raising=False)
    monkeypatch.delenv(keys.KEY_FILE_ENV, raising=False)
    return tmp_path / "state"


def verify(state: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["audit", "verify", "--state-dir", str(state)])
    return code, capsys.readouterr().out


def test_state_and_key_are_private(state: Path) -> None:
    """The state folder is 0700, the database and the key beside the folder 0600."""
    fill(state, 1)
    key = state.parent / "state.audit-key"
    assert mode(state) == 0o700 and mode(db.db_path(state)) == 0o600 and mode(key) == 0o600
    assert len(bytes.fromhex(key.read_text())) == 32


def test_rewritten_chain_without_the_key_is_detected(state: Path, capsys) -> None:
    """Editing a record and recomputing an unkeyed hash chain, as anyone could, still shows."""
    fill(state, 3)
    conn = sqlite3.connect(db.db_path(state))
    conn.execute("UPDATE audit SET version_after = 99 WHERE seq = 2")
    row = conn.execute("SELECT * FROM audit WHERE seq = 2").fetchone()
    names = [d[0] for d in conn.execute("SELECT * FROM audit").description]
    conn.execute(
        "UPDATE audit SET hash = ? WHERE seq = 2",
        (audit.record_hash(dict(zip(names, row, strict=True))),),
    )
    conn.commit()
    conn.close()
    code, out = verify(state, capsys)
    assert code == 1 and "record 2 was changed" in out


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("UPDATE audit SET compliant = 0 WHERE seq = 1", "record 1 was changed"),
        ("DELETE FROM outbox WHERE audit_seq = 2", "CRM event of record 2 was removed"),
        (
            "UPDATE outbox SET payload = '{}' WHERE audit_seq = 3",
            "CRM event of record 3 was changed",
        ),
        ("DELETE FROM audit", "chain ends at record 0 but its head says record 3"),
        ("DROP TABLE audit", "audit tables are missing"),
        ("DELETE FROM trail", "creation record is missing"),
    ],
)
def test_edits_deletions_and_emptying_show(state: Path, capsys, sql: str, words: str) -> None:
    """`compliant`, the outbox and the trail itself are covered, not only the records."""
    fill(state, 3)
    tamper(state, sql)
    code, out = verify(state, capsys)
    assert code == 1 and words in out


def test_wiped_everything_but_the_file(state: Path, capsys) -> None:
    """All rows of every table deleted: not "intact: 0 records"."""
    fill(state, 2)
    for table in ("audit", "chain_head", "trail", "outbox"):
        tamper(state, f"DELETE FROM {table}")
    code, out = verify(state, capsys)
    assert code == 1 and "creation record is missing" in out


@pytest.mark.parametrize("size", [0, 100])
def test_truncated_database(state: Path, capsys, size: int) -> None:
    """A database cut to 0 or 100 bytes is reported as emptied or unreadable, never intact."""
    fill(state, 2)
    path = db.db_path(state)
    for extra in (path.with_name("selang.db-wal"), path.with_name("selang.db-shm")):
        extra.unlink(missing_ok=True)
    with open(path, "r+b") as file:
        file.truncate(size)
    code, out = verify(state, capsys)
    assert code == 1 and "intact" not in out


def test_no_trail_creates_nothing(state: Path, capsys) -> None:
    """`audit log` and `audit verify` where there is no trail say so, exit 1, create nothing."""
    assert main(["audit", "log", "--state-dir", str(state)]) == 1
    assert "there is no audit trail" in capsys.readouterr().err
    code, out = verify(state, capsys)
    assert code == 1 and "there is no audit trail" in out
    assert not state.exists()


def test_empty_trail_is_intact_only_with_the_key(state: Path, capsys) -> None:
    """A trail created empty verifies with its key; without the key it cannot be proven."""
    audit.Journal(state).close()
    assert verify(state, capsys) == (0, "audit trail intact: 0 record(s)\n")
    (state.parent / "state.audit-key").unlink()
    code, out = verify(state, capsys)
    assert code == 1 and "no audit key" in out and "cannot be shown" in out


def test_key_from_the_environment(state: Path, capsys, monkeypatch) -> None:
    """With `SELANG_AUDIT_KEY` no key file is written; another key makes every record fail."""
    monkeypatch.setenv(keys.KEY_ENV, "k" * 40)
    fill(state, 2)
    assert not (state.parent / "state.audit-key").exists()
    assert verify(state, capsys)[0] == 0
    monkeypatch.setenv(keys.KEY_ENV, "another key")
    code, out = verify(state, capsys)
    assert code == 1 and "does not match the audit key" in out and "record 1 was changed" in out


def test_without_the_key_links_are_still_checked(state: Path, capsys) -> None:
    """With the key gone, verify checks order and links and says what it could not check."""
    fill(state, 3)
    (state.parent / "state.audit-key").unlink()
    code, out = verify(state, capsys)
    assert code == 0 and "no audit key" in out and "intact: 3 record(s)" in out
    tamper(state, "DELETE FROM audit WHERE seq = 2")
    code, out = verify(state, capsys)
    assert code == 1 and "record(s) 2 missing" in out


def test_trail_from_before_the_key_still_verifies_and_continues(state: Path, capsys) -> None:
    """A trail written by a selang without keys verifies (unkeyed, said so); new records
    continue it with MACs, and the old ones cannot be re-labelled afterwards."""
    state.mkdir()
    conn = sqlite3.connect(db.db_path(state))
    numbers = {"seq", "version_before", "version_after", "latency_ms", "attempts"}
    columns = ", ".join(
        f"{name} {'INTEGER' if name in numbers else 'TEXT'}" for name in (*audit.FIELDS, "hash")
    )
    conn.execute(f"CREATE TABLE audit ({columns})")
    conn.execute("CREATE TABLE chain_head (id INTEGER PRIMARY KEY, seq INTEGER, hash TEXT)")
    prev = audit.GENESIS
    for seq in (1, 2):
        fields = dict.fromkeys(audit.FIELDS, "x") | {"seq": seq, "prev_hash": prev}
        fields |= {"version_before": 1, "version_after": 2, "latency_ms": 1, "attempts": 1}
        fields["hash"] = prev = audit.record_hash(fields)
        names = ", ".join(fields)
        conn.execute(f"INSERT INTO audit ({names}) VALUES ({', '.join('?' * len(fields))})",
                     tuple(fields.values()))  # fmt: skip
    conn.execute("INSERT INTO chain_head VALUES (1, 2, ?)", (prev,))
    conn.commit()
    conn.close()
    code, out = verify(state, capsys)
    assert code == 0 and "unkeyed SHA-256" in out and "intact: 2 record(s)" in out
    fill(state, 1)  # a keyed selang continues the chain
    records = audit.records(state)
    assert [r.scheme for r in records] == ["sha256", "sha256", audit.KEYED]
    assert verify(state, capsys)[0] == 0


def test_corrupt_state_database_stops_apply_before_any_patch(
    state: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    """A `selang.db` that is not a database ends `apply` with exit 2 and no PATCH sent."""
    from selang import sandbox
    from tests.remote.conftest import write_sel

    state.mkdir()
    db.db_path(state).write_bytes(b"this is not a database" * 100)
    with sandbox.running(state_dir=tmp_path / "box", campaigns=("c1",)) as box:
        for var, value in {
            "CXONE_INSTANCE_URL": box.url,
            "CXONE_CLIENT_ID": box.client_id,
            "CXONE_CLIENT_SECRET": box.client_secret,
            "SELANG_STATE_DIR": str(state),
        }.items():
            monkeypatch.setenv(var, value)
        code = main(["apply", "--yes", write_sel(tmp_path, "c1")])
        assert code == 2
        assert "not a readable state database" in capsys.readouterr().err
        assert not [r for r in box.requests() if r.method == "PATCH"]
