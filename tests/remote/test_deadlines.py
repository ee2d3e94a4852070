"""Every run ends within its stated bound, whatever the server does: a whole exchange has a
deadline (not only the time between bytes), the run has `--timeout`, a token failure is shared
by every worker, and CRM delivery never holds an apply beyond its budget.

Bounds measured on a 2-core machine: each test's docstring names the figure it asserts."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from selang.cli.main import main
from selang.remote import crm
from selang.remote.settings import CrmSettings
from selang.state import outbox
from tests.remote.conftest import write_sel
from tests.remote.hostile import TOKEN, Hostile, answer, silence, trickle
from tests.remote.test_audit import fill


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var, value in {
        "CXONE_CLIENT_ID": "id",
        "CXONE_CLIENT_SECRET": "secret",
        "SELANG_STATE_DIR": str(tmp_path / "state"),
        "SELANG_RETRY_ATTEMPTS": "3",
        "SELANG_RETRY_BASE_DELAY": "0.01",
        "SELANG_RETRY_MAX_DELAY": "0.05",
        "SELANG_READ_TIMEOUT": "2",
        "SELANG_EXCHANGE_TIMEOUT": "1",
    }.items():
        monkeypatch.setenv(var, value)
    monkeypatch.delenv("CRM_WEBHOOK_URL", raising=False)
    return tmp_path


def timed(server: Hostile, *args: str) -> tuple[int, float]:
    code = main(list(args))
    return code, server.since_first()


def trickling_reads(head: bytes, conn: socket.socket) -> None:
    if head.startswith(b"POST /api/v2/oauth/token"):
        answer(conn, TOKEN)
    else:
        trickle(conn)


def test_trickling_server_is_cut_off_per_exchange(env: Path, monkeypatch, capsys) -> None:
    """A campaign read trickling 1 byte per 50 ms gives up after 3 exchanges of 1 s each
    (about 3.1 s measured), where the read timeout alone would never fire."""
    with Hostile(trickling_reads) as server:
        monkeypatch.setenv("CXONE_INSTANCE_URL", server.url)
        code, took = timed(server, "plan", write_sel(env, "c1"))
    assert code == 3 and took < 6
    assert "timed out" in capsys.readouterr().err


def test_run_timeout_bounds_the_whole_command(env: Path, monkeypatch, capsys) -> None:
    """`--timeout 1.5` stops a run against the trickling server at about 1.5 s."""
    monkeypatch.setenv("SELANG_RETRY_ATTEMPTS", "50")
    with Hostile(trickling_reads) as server:
        monkeypatch.setenv("CXONE_INSTANCE_URL", server.url)
        code, took = timed(server, "plan", "--timeout", "1.5", write_sel(env, "c1"))
    assert code == 3 and took < 3.5
    assert "time budget of 1.5 s" in capsys.readouterr().err


def test_silent_token_endpoint_stops_the_run_once(env: Path, monkeypatch, capsys) -> None:
    """A token endpoint that never answers costs one fetch's retries (3 × 1 s, about 3 s
    measured) for the whole run, not one per campaign: 4 campaigns, one message, exit 3."""
    with Hostile(lambda head, conn: silence(conn)) as server:
        monkeypatch.setenv("CXONE_INSTANCE_URL", server.url)
        files = [write_sel(env, f"c{i}") for i in range(4)]
        code, took = timed(server, "apply", "--yes", "--jobs", "4", *files)
        tries = len(server.heads)
    err = capsys.readouterr().err
    assert code == 3 and took < 6 and tries == 3
    assert err.count("gave up getting a token") == 1


def test_trickling_crm_never_holds_delivery_past_its_budget(tmp_path: Path) -> None:
    """A CRM endpoint trickling its answer is cut off at the 1 s budget (about 1.0 s
    measured); the event stays in the outbox for the next flush."""
    fill(tmp_path, 1)
    with Hostile(lambda head, conn: trickle(conn)) as server:
        started = time.monotonic()
        report = crm.flush(tmp_path, CrmSettings(server.url + "/hook"), budget=1.0)
        took = time.monotonic() - started
    assert took < 2.5 and report.delivered == 0 and report.pending == 1
    assert len(outbox.pending(tmp_path)) == 1
