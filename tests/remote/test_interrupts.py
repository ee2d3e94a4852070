"""An interrupted `apply` leaves no server change without a record in the audit trail: an
intent is written before each PATCH and settled after it, or by the next run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import attrs
import pytest

from selang import sandbox
from selang.cli.main import main
from selang.sandbox.inprocess import Sandbox
from selang.state import audit, db, integrity
from tests.remote.conftest import add_campaign, landed, until, write_sel
from tests.remote.receiver import FakeCrm


def selang_env(sb: Sandbox, state: Path, crm_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "CXONE_INSTANCE_URL": sb.url,
            "CXONE_CLIENT_ID": sb.client_id,
            "CXONE_CLIENT_SECRET": sb.client_secret,
            "SELANG_STATE_DIR": str(state),
            "SELANG_RETRY_BASE_DELAY": "0.001",
            "SELANG_RETRY_MAX_DELAY": "0.01",
            "SELANG_READ_TIMEOUT": "5",
        }
    )
    env.pop("CRM_WEBHOOK_URL", None)
    if crm_url is not None:
        env["CRM_WEBHOOK_URL"] = crm_url
    return env


def start(env: dict[str, str], cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "selang", *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def interrupted_slow_patch(sb: Sandbox, tmp_path: Path, signum: int) -> tuple[Path, dict]:
    """Start `apply` of one campaign whose PATCH the sandbox serves 1.5 s late, and send
    `signum` once the PATCH has arrived; the PATCH lands after the signal."""
    add_campaign(sb, "c1")
    sb.fail_next("PATCH", "*/c1", action="slow", delay_ms=800)
    state = tmp_path / "state"
    env = selang_env(sb, state)
    proc = start(env, tmp_path, "apply", "--yes", write_sel(tmp_path, "c1"))
    assert until(lambda: not sb.faults()["fail_next"]), proc.communicate()
    proc.send_signal(signum)
    proc.communicate(timeout=20)
    assert until(lambda: sb.campaign("c1")["version"] == 2)
    return state, env


def test_ctrl_c_during_a_slow_patch_leaves_the_change_in_the_trail(
    sb: Sandbox, tmp_path: Path
) -> None:
    """Ctrl-C while a PATCH is in flight: the trail holds the change once the next run has
    settled it, the rerun sends nothing, and `audit verify` passes."""
    state, env = interrupted_slow_patch(sb, tmp_path, signal.SIGINT)
    assert [(r.campaign_id, r.version_before) for r in audit.records(state)], "no record"
    rerun = subprocess.run(
        [sys.executable, "-m", "selang", "apply", "--yes", write_sel(tmp_path, "c1")],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    applied = [(r.campaign_id, r.version_before, r.version_after) for r in audit.applied(state)]
    assert applied == [("c1", 1, 2)] and len(landed(sb)) == 1
    assert integrity.verify(state) == []


def test_kill_during_a_slow_patch_is_settled_by_the_next_run(
    sb: Sandbox, crm: FakeCrm, tmp_path: Path
) -> None:
    """`kill -9` while a PATCH is in flight leaves its intent open; the next run reads the
    campaign, records the change as applied with its CRM event, and sends nothing."""
    state, env = interrupted_slow_patch(sb, tmp_path, signal.SIGKILL)
    assert [(r.kind, r.version_before) for r in audit.open_intents(state)] == [("intent", 1)]
    env |= {"CRM_WEBHOOK_URL": crm.url, "CRM_SYNC_TOKEN": "t"}
    rerun = subprocess.run(
        [sys.executable, "-m", "selang", "apply", "--yes", write_sel(tmp_path, "c1")],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    assert "sent at version 1 landed (audit record 2)" in rerun.stdout
    trail = [(r.kind, r.version_before, r.version_after, r.settles) for r in audit.records(state)]
    assert trail == [("intent", 1, None, None), ("applied", 1, 2, 1)]
    assert len(landed(sb)) == 1 and sum(1 for r in sb.requests() if r.method == "PATCH") == 1
    event = audit.applied(state)[0].event_id
    assert [s.headers["webhook-id"] for s in crm.delivered] == [event]


# --- trials: signals at random moments of a many-campaign apply --------------------------


@attrs.define
class Tally:
    """What the trials met, for the failure message and the report."""

    trials: int = 0
    stopped_runs_landed: int = 0  # PATCHes that landed in the runs the signal stopped
    left_open: int = 0  # intents an interrupted run left for the next one
    settled_applied: int = 0  # of those, found landed by the next run
    landed: int = 0  # PATCHes that landed, over all runs
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"{self.trials} trials in {self.seconds:.1f} s: {self.landed} PATCHes landed, "
            f"{self.stopped_runs_landed} of them in the stopped runs; {self.left_open} intents "
            f"left open by a stopped run, {self.settled_applied} of them settled as applied "
            "by the next"
        )


def trial_files(folder: Path, ids: list[str], trial: int) -> list[str]:
    """One file per campaign, with a selection of its own per trial (so each trial changes
    every campaign)."""
    text = 'campaign "{cid}" {{\n  target "list_a"\n  where age >= {n}\n}}\n'
    return [write_sel(folder, cid, text.format(cid=cid, n=trial)) for cid in ids]


def run_trials(
    crm: FakeCrm,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    trials: int,
    campaigns: int,
    signals: tuple[signal.Signals, ...],
    jitter: float,
    seed: int,
) -> Tally:
    """Each trial starts `apply` of every campaign, sends a signal at a random moment of its
    traffic (SIGINT sometimes twice), then checks the trail against the sandbox's
    request log (the server's version history of our writes), reruns, and checks again."""
    with sandbox.running(
        state_dir=tmp_path / "sandbox", request_log_size=10**6, latency_ms=5
    ) as sb:
        return _trials(sb, crm, tmp_path, monkeypatch, trials, campaigns, signals, jitter, seed)


def _trials(
    sb: Sandbox,
    crm: FakeCrm,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    trials: int,
    campaigns: int,
    signals: tuple[signal.Signals, ...],
    jitter: float,
    seed: int,
) -> Tally:
    rng = random.Random(seed)
    ids = [f"k{i:03d}" for i in range(campaigns)]
    for cid in ids:
        add_campaign(sb, cid)
    state = tmp_path / "state"
    env = selang_env(sb, state, crm.url) | {"CRM_SYNC_TOKEN": "sync"}
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    monkeypatch.chdir(tmp_path)
    tally, started = Tally(), time.monotonic()
    for trial in range(trials):
        signum = signals[trial % len(signals)]
        files = trial_files(tmp_path, ids, trial + 1)
        before = {r.seq for r in audit.open_intents(state)}
        # the moment is random within the run's traffic (a token, then a read and a PATCH
        # per campaign): after a random number of answered requests, and a random delay
        seen = len(sb.requests()) + rng.randrange(2 * campaigns + 1)
        proc = start(env, tmp_path, "apply", "--yes", "--jobs", "16", *files)
        until(lambda p=proc, n=seen: len(sb.requests()) >= n or p.poll() is not None, 30)
        time.sleep(rng.uniform(0.0, jitter))
        proc.send_signal(signum)
        if signum == signal.SIGINT and rng.random() < 0.5:
            time.sleep(rng.uniform(0.0, 0.2))
            proc.send_signal(signal.SIGINT)  # the impatient second Ctrl-C: stop at once
        proc.communicate(timeout=60)
        where = f"trial {trial} ({signum.name}, seed {seed})"
        # after the signal: no server change without a record, and the trail verifies
        history = landed(sb)
        tally.stopped_runs_landed += len(history) - tally.landed
        tally.landed = len(history)
        sent = {(r.campaign_id, r.version_before, r.payload_sha256) for r in audit.records(state)
                if r.kind == audit.INTENT}  # fmt: skip
        assert set(history) <= sent, f"{where}: a PATCH landed without an intent"
        if db.exists(state):
            assert main(["audit", "verify"]) == 0, where
        else:
            assert history == [], where  # stopped before the trail was made: nothing sent
        left = [r for r in audit.open_intents(state) if r.seq not in before]
        tally.left_open += len(left)
        # the rerun converges and settles everything
        assert main(["apply", "--yes", "--jobs", "16", *files]) == 0, where
        tally.settled_applied += sum(
            1 for r in audit.applied(state) if r.settles in {i.seq for i in left}
        )
        for cid in ids:
            live = sb.campaign(cid)
            assert live["contactSelection"]["filterRules"][0]["value"] == trial + 1, where
        assert audit.open_intents(state) == [], where
        applied = audit.applied(state)
        ours = sorted((r.campaign_id, r.version_before, r.payload_sha256) for r in applied)
        assert ours == sorted(landed(sb)), f"{where}: the trail and the server disagree"
        assert all(r.version_after == r.version_before + 1 for r in applied), where
        assert main(["audit", "verify"]) == 0, where
        assert main(["webhook", "flush"]) == 0, where
        delivered = {s.headers["webhook-id"] for s in crm.delivered}
        assert {r.event_id for r in applied} <= delivered, f"{where}: a CRM event is missing"
        tally.trials += 1
        tally.landed = len(landed(sb))
    tally.seconds = time.monotonic() - started
    return tally


def test_signals_at_random_moments_leave_trail_and_server_agreeing(
    crm: FakeCrm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three trials (SIGKILL, SIGINT, SIGKILL) at random moments of an 8-campaign apply: after
    each the trail verifies and holds an intent for every PATCH that landed; after a rerun it
    holds exactly the applied PATCHes, and every one of their CRM events is delivered."""
    tally = run_trials(
        crm, tmp_path, monkeypatch, trials=3, campaigns=8,
        signals=(signal.SIGKILL, signal.SIGINT), jitter=0.03, seed=14_4,
    )  # fmt: skip
    print(tally.line())


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_twenty_signals_on_a_150_campaign_apply(
    crm: FakeCrm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: signal.Signals
) -> None:
    """Twenty trials of `signum` at random moments of a 150-campaign apply (`make test-slow`):
    the server's history, the audit trail and the CRM deliveries agree after every rerun."""
    tally = run_trials(
        crm, tmp_path, monkeypatch, trials=20, campaigns=150,
        signals=(signum,), jitter=0.03, seed=15_7 + signum,
    )  # fmt: skip
    print(tally.line())
