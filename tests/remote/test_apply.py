"""The apply engine against the sandbox with faults: locking, conflicts, outcomes."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from selang.core import jsonio
from selang.remote import plan as planning
from selang.remote.apply import Desired, Engine
from selang.sandbox.inprocess import Sandbox
from selang.state import audit, integrity, outbox
from tests.remote.conftest import SEL, add_campaign, applied_patches, count, make_client

OTHER = {
    "targetListIds": ["list_z"],
    "exclusionListIds": [],
    "filterRules": [],
    "priorityOrder": [],
}


def want(cid: str = "c1", selection: dict | None = None) -> Desired:
    return Desired(cid, copy.deepcopy(selection or SEL), f"{cid}.sel")


def test_applies_whole_document_under_version_lock(sb: Sandbox, tmp_path: Path) -> None:
    """The PATCH carries `If-Match: version=N` and the whole document, only the selection new."""
    add_campaign(sb, "c1", version=7, dialer={"mode": "predictive", "ratio": "1.50"}, rate=1.25)
    with make_client(sb) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want())
    assert outcome.status == "applied" and (outcome.version_before, outcome.version_after) == (7, 8)
    patch = next(s for s in sb.requests() if s.method == "PATCH")
    assert patch.header("if-match") == "version=7"
    sent = jsonio.loads(patch.body)
    assert sent["version"] == 7 and sent["contactSelection"] == SEL
    assert sent["dialer"] == {"mode": "predictive", "ratio": "1.50"}
    assert '"rate":1.25' in patch.body  # a decimal in a field we do not own is sent back as read


def test_unchanged_selection_sends_no_patch(sb: Sandbox, tmp_path: Path) -> None:
    """Applying what the campaign already holds is `unchanged`, with no PATCH and no record."""
    add_campaign(sb, "c1", copy.deepcopy(SEL))
    with make_client(sb) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want())
    assert outcome.status == "unchanged" and count(sb, "PATCH") == 0
    assert audit.records(tmp_path) == []  # no intent either: nothing was to be sent


def test_409_reapplies_and_keeps_others_edits(sb: Sandbox, tmp_path: Path) -> None:
    """A concurrent edit of another field causes a 409; the re-applied change keeps that edit."""
    add_campaign(sb, "c1", name="spring")
    sb.fail_next("PATCH", "*/c1", action="edit", edit={"name": "spring (edited)"})
    with make_client(sb) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want())
    assert outcome.status == "applied" and outcome.patches == 2
    live = sb.campaign("c1")
    assert live["name"] == "spring (edited)" and live["contactSelection"] == SEL
    assert [s.status for s in sb.requests() if s.method == "PATCH"] == [409, 200]
    trail = [(r.kind, r.version_before, r.result) for r in audit.records(tmp_path)]
    assert trail == [
        ("intent", 1, "intent"),
        ("abandoned", 1, "not applied: version conflict (409)"),
        ("intent", 2, "intent"),
        ("applied", 2, "applied"),
    ]


def test_concurrent_selection_change_is_a_conflict(sb: Sandbox, tmp_path: Path) -> None:
    """Someone else changing the selection itself stops the apply and shows theirs and ours."""
    add_campaign(sb, "c1")
    sb.fail_next("PATCH", "*/c1", action="edit", edit={"contactSelection": copy.deepcopy(OTHER)})
    with make_client(sb) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want())
    assert outcome.status == "conflict" and "changed by someone else" in outcome.message
    assert outcome.theirs == OTHER and outcome.ours == SEL
    assert sb.campaign("c1")["contactSelection"] == OTHER
    assert audit.applied(tmp_path) == [] and audit.open_intents(tmp_path) == []


def test_force_overwrites_a_conflicting_selection(sb: Sandbox, tmp_path: Path) -> None:
    """With `force`, a selection changed by someone else is overwritten."""
    add_campaign(sb, "c1")
    sb.fail_next("PATCH", "*/c1", action="edit", edit={"contactSelection": copy.deepcopy(OTHER)})
    with make_client(sb) as client:
        outcome = Engine(client, state_dir=tmp_path, force=True).apply(want())
    assert outcome.status == "applied" and sb.campaign("c1")["contactSelection"] == SEL


def test_patch_applied_but_unanswered_is_applied_once(sb: Sandbox, tmp_path: Path) -> None:
    """A PATCH whose answer is lost is resolved by reading: applied exactly once, recorded once."""
    add_campaign(sb, "c1", version=3)
    sb.drop_next_patch()
    with make_client(sb) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want())
    assert outcome.status == "applied" and outcome.message == "applied (confirmed)"
    assert (outcome.version_before, outcome.version_after) == (3, 4)
    assert applied_patches(sb) == 1 and count(sb, "PATCH") == 1
    assert [(r.kind, r.version_after) for r in audit.records(tmp_path)] == [
        ("intent", None),
        ("applied", 4),
    ]
    assert len(outbox.pending(tmp_path)) == 1


def test_patch_timeout_is_resolved_by_reading(sb: Sandbox, tmp_path: Path) -> None:
    """A PATCH that times out is never blindly re-sent; the change lands exactly once."""
    add_campaign(sb, "c1")
    sb.fail_next("PATCH", "*/c1", action="slow", delay_ms=400)
    with make_client(sb, read_timeout=0.15) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want())
    assert outcome.status == "applied"
    assert applied_patches(sb) == 1 and sb.campaign("c1")["contactSelection"] == SEL
    assert len(audit.applied(tmp_path)) == 1 and audit.open_intents(tmp_path) == []


def test_patch_5xx_rereads_then_retries(sb: Sandbox, tmp_path: Path) -> None:
    """A 503 on PATCH (not applied) leads to a read and a second PATCH under the fresh version."""
    add_campaign(sb, "c1")
    sb.fail_next("PATCH", "*/c1", status=503, retry_after=1)
    with make_client(sb) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want())
    assert outcome.status == "applied" and applied_patches(sb) == 1
    methods = [s.method for s in sb.requests() if "/campaigns/" in s.path]
    assert methods == ["GET", "PATCH", "GET", "PATCH"]


def test_400_on_patch_is_final(sb: Sandbox, tmp_path: Path) -> None:
    """A 400 is reported with the server's message and not retried."""
    add_campaign(sb, "c1")
    sb.fail_next("PATCH", "*/c1", status=400, message="filterRules[0].field unknown")
    with make_client(sb) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want())
    assert outcome.status == "failed" and "filterRules[0].field unknown" in outcome.message
    assert count(sb, "PATCH") == 1


def test_404_campaign_fails_cleanly(sb: Sandbox, tmp_path: Path) -> None:
    """A campaign that does not exist is a failed outcome naming it, not an exception."""
    with make_client(sb) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want("nope"))
    assert outcome.status == "failed" and "`nope` not found" in outcome.message


def test_429_storm_across_workers(sb: Sandbox, tmp_path: Path) -> None:
    """Under a storm of 429s on reads and writes, every campaign is applied exactly once."""
    ids = [f"c{i}" for i in range(10)]
    for cid in ids:
        add_campaign(sb, cid)
    sb.fail_next("GET", "*/campaigns/*", status=429, retry_after=1, count=12)
    sb.fail_next("PATCH", "*/campaigns/*", status=429, retry_after=1, count=8)
    with make_client(sb) as client:
        engine = Engine(client, state_dir=tmp_path)
        outcomes = engine.apply_all([(want(cid), None) for cid in ids], jobs=5)
        retries = client.stats.retries
    assert [o.status for o in outcomes] == ["applied"] * 10
    assert applied_patches(sb) == 10 and retries >= 20
    assert [r.campaign_id for r in audit.applied(tmp_path)].count("c3") == 1
    assert audit.open_intents(tmp_path) == []
    assert integrity.verify(tmp_path) == []


def test_stale_pinned_plan_is_refused(sb: Sandbox, tmp_path: Path) -> None:
    """A plan made at version N is refused once the campaign is at N+1, even for other fields."""
    add_campaign(sb, "c1")
    with make_client(sb) as client:
        engine = Engine(client, state_dir=tmp_path)
        planned = engine.read_plan(want())
        sb.edit_campaign("c1", name="renamed")
        outcome = engine.apply(want(), planned)
    assert outcome.status == "conflict" and "moved on since the plan" in outcome.message
    assert count(sb, "PATCH") == 0


def test_parallel_appliers_same_campaign_no_lost_update(sb: Sandbox, tmp_path: Path) -> None:
    """Two runs racing on one campaign never both win silently: one applies, one conflicts."""
    add_campaign(sb, "c1")
    mine, theirs = want(), want(selection=OTHER)
    with make_client(sb) as a, make_client(sb) as b, ThreadPoolExecutor(2) as pool:
        fa = pool.submit(Engine(a, state_dir=tmp_path).apply, mine)
        fb = pool.submit(Engine(b, state_dir=tmp_path).apply, theirs)
        results = sorted([fa.result().status, fb.result().status])
    live = sb.campaign("c1")["contactSelection"]
    applied = audit.applied(tmp_path)
    assert results in (["applied", "conflict"], ["applied", "applied"])
    last = max(applied, key=lambda r: r.version_after or 0)  # the server's order, by version
    assert planning.digest(live) == last.payload_sha256
    assert applied_patches(sb) == len(applied)


def test_confirmed_plan_reuses_its_read(sb: Sandbox, tmp_path: Path) -> None:
    """Planning, confirming and applying a file reads each campaign once, not twice."""
    add_campaign(sb, "c1")
    with make_client(sb) as client:
        engine = Engine(client, state_dir=tmp_path)
        planned = engine.read_plan(want())
        outcome = engine.apply(want(), planned, strict=False)
    assert outcome.status == "applied"
    assert (count(sb, "GET"), count(sb, "PATCH")) == (1, 1)


def test_stale_read_from_the_prompt_is_read_again(sb: Sandbox, tmp_path: Path) -> None:
    """If another field changed while the prompt waited, the 409 leads to a re-read and apply."""
    add_campaign(sb, "c1", name="spring")
    with make_client(sb) as client:
        engine = Engine(client, state_dir=tmp_path)
        planned = engine.read_plan(want())
        sb.edit_campaign("c1", name="spring (edited)")
        outcome = engine.apply(want(), planned, strict=False)
    assert outcome.status == "applied" and outcome.patches == 2
    assert sb.campaign("c1")["name"] == "spring (edited)"
