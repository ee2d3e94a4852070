"""The client and engine against the project's sandbox with its own fault injection."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from selang import sandbox
from selang.cli.main import main
from selang.remote.apply import Desired, Engine
from selang.remote.retry import RetryPolicy
from selang.state import audit, integrity
from tests.remote.conftest import SEL, make_client, write_sel


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Any]:
    with sandbox.running(state_dir=tmp_path / "sandbox", port=0, campaigns=("c1", "c2")) as sb:
        yield sb


def applied_on_server(sb: Any) -> int:
    """PATCHes the sandbox carried out, answered or not."""
    return sum(
        1
        for r in sb.requests()
        if r.method == "PATCH" and (r.status == 200 or (r.dropped and r.fault == "drop_patch"))
    )


def want(cid: str) -> Desired:
    return Desired(cid, copy.deepcopy(SEL), f"{cid}.sel")


def test_rate_limited_sandbox_applies_all(tmp_path: Path) -> None:
    """Under the sandbox's rate limit (429 with Retry-After), all campaigns land exactly once."""
    ids = tuple(f"c{i}" for i in range(8))
    # the sandbox asks for whole seconds; waits clamped to 0.25 s keep the test short
    policy = RetryPolicy(
        max_attempts=30, base_delay=0.01, max_delay=0.05, max_retry_after=0.25, deadline=20
    )
    with (
        sandbox.running(state_dir=tmp_path / "sb", port=0, campaigns=ids, rate_limit=10.0) as sb,
        make_client(sb, policy) as client,
    ):
        outcomes = Engine(client, state_dir=tmp_path).apply_all(
            [(want(cid), None) for cid in ids], jobs=4
        )
        assert [o.status for o in outcomes] == ["applied"] * 8
        assert any(r.status == 429 for r in sb.requests())
        assert client.stats.retries > 0
        assert applied_on_server(sb) == 8
    assert len(audit.applied(tmp_path)) == 8 and integrity.verify(tmp_path) == []


def test_dropped_patch_answer_is_applied_once(box: Any, tmp_path: Path) -> None:
    """A PATCH the sandbox applies but never answers counts once, with one audit record."""
    box.drop_next_patch()
    with make_client(box) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want("c1"))
    assert outcome.status == "applied" and outcome.version_after == 2
    assert applied_on_server(box) == 1 and box.campaign("c1")["version"] == 2
    assert len(audit.applied(tmp_path)) == 1


def test_5xx_on_get_is_retried(box: Any, tmp_path: Path) -> None:
    """Three 503s on the read are retried and the change still lands."""
    box.fail_next("GET", "/api/v2/outbound/campaigns/*", status=503, count=3, retry_after=1)
    with make_client(box) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want("c1"))
        assert client.stats.retries == 3
    assert outcome.status == "applied"


def test_revoked_token_mid_run(box: Any, tmp_path: Path) -> None:
    """Tokens revoked between two campaigns cost one new token and no failure."""
    with make_client(box) as client:
        engine = Engine(client, state_dir=tmp_path)
        assert engine.apply(want("c1")).status == "applied"
        box.revoke_tokens()
        assert engine.apply(want("c2")).status == "applied"
    tokens = [r for r in box.requests() if r.path == "/api/v2/oauth/token"]
    assert len(tokens) == 2


def test_out_of_band_edit_survives_next_apply(box: Any, tmp_path: Path) -> None:
    """Another writer's field edit stays when we later change the selection."""
    box.edit_campaign("c1", name="Edited elsewhere")
    with make_client(box) as client:
        assert Engine(client, state_dir=tmp_path).apply(want("c1")).status == "applied"
    doc = box.campaign("c1")
    assert doc["name"] == "Edited elsewhere" and doc["contactSelection"] == SEL


def test_cli_sandbox_state_persists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--sandbox` runs the embedded sandbox under the state dir, and its data outlives the run."""
    monkeypatch.delenv("CXONE_INSTANCE_URL", raising=False)
    monkeypatch.delenv("CRM_WEBHOOK_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    sel = write_sel(tmp_path, "campaign_xyz789")
    state = tmp_path / "st"
    assert main(["apply", sel, "--yes", "--sandbox", "--state-dir", str(state)]) == 0
    assert (state / "sandbox").is_dir() and (state / "selang.db").is_file()
    capsys.readouterr()
    assert main(["plan", sel, "--sandbox", "--state-dir", str(state), "--detailed-exitcode"]) == 0
    assert "version 2" in capsys.readouterr().out
