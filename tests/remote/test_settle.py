"""Settling a PATCH whose answer was lost, by reading the campaign back, next to other writers.

The contract reads a campaign only as it is now (its version and document), so an unknown
outcome of a PATCH sent at version N is settled by what version N+1 can be seen to hold."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from selang.remote import plan as planning
from selang.remote import settle
from selang.remote.apply import Desired, Engine
from selang.sandbox.inprocess import Sandbox
from selang.state import audit, integrity, outbox
from tests.remote.conftest import SEL, add_campaign, landed, make_client, until

OTHER = {
    "targetListIds": ["list_z"],
    "exclusionListIds": [],
    "filterRules": [],
    "priorityOrder": [],
}
OURS = planning.digest(SEL)


def want(cid: str = "c1", selection: dict | None = None) -> Desired:
    return Desired(cid, copy.deepcopy(selection or SEL), f"{cid}.sel")


def lost_answer_then(sb: Sandbox, edit: dict) -> None:
    """Our PATCH lands but its answer is lost; another writer's `edit` lands before our read."""
    add_campaign(sb, "c1", version=3)
    sb.drop_next_patch()
    sb.fail_next("GET", "*/c1", action="slow")  # the first read is served as usual
    sb.fail_next("GET", "*/c1", action="edit", edit=edit)  # the next one after `edit`


def test_lost_answer_then_a_field_edit_is_ours_at_the_next_version(
    sb: Sandbox, tmp_path: Path
) -> None:
    """Version 4 was ours, then someone renamed the campaign (version 5): the trail records
    our change as 3 -> 4, the version it made, not the version it was seen at."""
    lost_answer_then(sb, {"name": "renamed"})
    with make_client(sb) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want())
    assert outcome.status == "applied"
    assert landed(sb) == [("c1", 3, OURS)] and sb.campaign("c1")["version"] == 5
    kinds = [(r.kind, r.version_before, r.version_after) for r in audit.records(tmp_path)]
    assert kinds == [("intent", 3, None), ("applied", 3, 4)]
    assert integrity.verify(tmp_path) == []


def test_lost_answer_then_another_selection_is_never_sent_again_under_force(
    sb: Sandbox, tmp_path: Path
) -> None:
    """Our PATCH landed (version 4), then another writer put their selection (version 5):
    whether 4 was ours cannot be read back, so even `--force` does not send ours a second
    time, and the trail keeps the intent, settled as undetermined."""
    lost_answer_then(sb, {"contactSelection": copy.deepcopy(OTHER)})
    with make_client(sb) as client:
        outcome = Engine(client, state_dir=tmp_path, force=True).apply(want())
    assert landed(sb) == [("c1", 3, OURS)]
    assert outcome.status == "conflict" and "cannot be told" in outcome.message
    kinds = [(r.kind, r.version_before, r.payload_sha256) for r in audit.records(tmp_path)]
    assert kinds == [("intent", 3, OURS), ("undetermined", 3, OURS)]
    assert integrity.verify(tmp_path) == []


def test_lost_answer_then_another_selection_is_a_conflict_with_the_intent_kept(
    sb: Sandbox, tmp_path: Path
) -> None:
    """Without `--force` the same race stops with a conflict, and the PATCH that landed is
    in the trail (as an intent whose outcome could not be told), not missing from it."""
    lost_answer_then(sb, {"contactSelection": copy.deepcopy(OTHER)})
    with make_client(sb) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want())
    assert outcome.status == "conflict" and outcome.theirs == OTHER
    assert [(r.campaign_id, r.version_before) for r in audit.records(tmp_path)][:1] == [("c1", 3)]


def intent(state: Path, cid: str, version: int, selection: dict) -> int:
    """An intent as a run writes it just before its PATCH (the run then stops unrecorded)."""
    change = audit.Change(
        campaign_id=cid, version_before=version, version_after=None,
        payload_sha256=planning.digest(selection), source=f"{cid}.sel", result="intent",
        latency_ms=0, attempts=0, kind=audit.INTENT,
    )  # fmt: skip
    with audit.Journal(state) as journal:
        return journal.record(change)[0].seq


def patch_as_a_stopped_run(sb: Sandbox, cid: str, selection: dict) -> None:
    """The PATCH of a run that died before it could record the answer, sent for real."""
    with make_client(sb) as client:
        doc = client.get_campaign(cid)
        assert client.patch_campaign(cid, doc | {"contactSelection": selection}).kind == "applied"


def trail(state: Path) -> list[tuple[str, int, int | None, int | None]]:
    return [(r.kind, r.version_before, r.version_after, r.settles) for r in audit.records(state)]


@pytest.mark.parametrize(
    ("version", "selection", "verdict"),
    [
        (3, SEL, None),
        (4, SEL, "applied"),
        (4, OTHER, "abandoned"),
        (6, SEL, "applied"),
        (6, OTHER, "undetermined"),
        (2, SEL, "undetermined"),
    ],
    ids=["still-at-N", "N+1-ours", "N+1-theirs", "later-ours", "later-theirs", "went-back"],
)
def test_what_a_read_back_tells(version: int, selection: dict, verdict: str | None) -> None:
    """A PATCH sent at version 3 is told from the campaign read now: only version 4 can be
    ours; at a later version our selection is taken as ours, another cannot be told."""
    doc = {"version": version, "contactSelection": selection}
    found = settle.judge(3, OURS, doc)
    assert (found and found.verdict) == verdict


def test_unknown_outcome_still_at_its_version_is_sent_again_under_the_same_intent(
    sb: Sandbox, tmp_path: Path
) -> None:
    """A 503 to the PATCH (outcome unknown), the campaign still at version 1: the PATCH is sent
    again under the same intent, and its 200 settles it; one intent, one applied record."""
    add_campaign(sb, "c1")
    sb.fail_next("PATCH", "*/c1", status=503)
    with make_client(sb) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want())
    assert outcome.status == "applied" and outcome.patches == 2
    assert trail(tmp_path) == [("intent", 1, None, None), ("applied", 1, 2, 1)]


def test_a_stopped_runs_change_that_landed_is_recorded_with_its_event(
    sb: Sandbox, tmp_path: Path
) -> None:
    """An intent left open whose PATCH landed: the next run records it applied, with its CRM
    event, and says so; it changed nothing itself, so the campaign is `unchanged` for it."""
    add_campaign(sb, "c1")
    intent(tmp_path, "c1", 1, SEL)
    patch_as_a_stopped_run(sb, "c1", copy.deepcopy(SEL))
    with make_client(sb) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want())
    assert outcome.status == "unchanged" and outcome.patches == 0
    assert outcome.message == (
        "the change an earlier or concurrent run sent at version 1 landed (audit record 2)"
    )
    assert trail(tmp_path) == [("intent", 1, None, None), ("applied", 1, 2, 1)]
    assert len(landed(sb)) == 1 and [e.audit_seq for e in outbox.pending(tmp_path)] == [2]


def test_a_stopped_runs_change_to_another_selection_is_fenced_by_the_next_patch(
    sb: Sandbox, tmp_path: Path
) -> None:
    """An open intent at the version the campaign is still at may yet land; this run's PATCH
    at that version lands instead, which settles the earlier one as not applied."""
    add_campaign(sb, "c1")
    intent(tmp_path, "c1", 1, OTHER)
    with make_client(sb) as client:
        outcome = Engine(client, state_dir=tmp_path).apply(want())
    assert outcome.status == "applied"
    assert trail(tmp_path) == [
        ("intent", 1, None, None),
        ("intent", 1, None, None),
        ("applied", 1, 2, 2),
        ("abandoned", 1, None, 1),
    ]
    assert audit.records(tmp_path)[3].result == "not applied: version 2 is record 3"


def test_a_stopped_runs_intent_of_the_same_selection_is_adopted(
    sb: Sandbox, tmp_path: Path
) -> None:
    """The same selection at the same version: this run sends it under the open intent."""
    add_campaign(sb, "c1")
    intent(tmp_path, "c1", 1, SEL)
    with make_client(sb) as client:
        assert Engine(client, state_dir=tmp_path).apply(want()).status == "applied"
    assert trail(tmp_path) == [("intent", 1, None, None), ("applied", 1, 2, 1)]


def test_open_intents_of_other_campaigns_are_settled_when_a_run_starts(
    sb: Sandbox, tmp_path: Path
) -> None:
    """A run of c1 first settles what earlier runs left open elsewhere: c2's PATCH landed
    (applied), c3 was written by someone else (not applied), c4 is still at the version its
    PATCH was sent at (left open: it may yet land)."""
    for cid in ("c1", "c2", "c3", "c4"):
        add_campaign(sb, cid)
    for cid in ("c2", "c3", "c4"):
        intent(tmp_path, cid, 1, SEL)
    patch_as_a_stopped_run(sb, "c2", copy.deepcopy(SEL))
    sb.edit_campaign("c3", contactSelection=copy.deepcopy(OTHER))
    with make_client(sb) as client:
        outcomes = Engine(client, state_dir=tmp_path).apply_all([(want(), None)])
    assert [o.status for o in outcomes] == ["applied"]
    settled = {r.campaign_id: r.kind for r in audit.records(tmp_path) if r.settles}
    assert settled == {"c2": "applied", "c3": "abandoned", "c1": "applied"}
    assert [r.campaign_id for r in audit.open_intents(tmp_path)] == ["c4"]
    assert integrity.verify(tmp_path) == []


def test_a_live_runs_intent_is_left_to_it(sb: Sandbox, tmp_path: Path) -> None:
    """While one run's PATCH is in flight, another run sharing the trail reads the campaign
    still at the PATCH's version and leaves the intent open; the first run settles it."""
    add_campaign(sb, "c1")
    add_campaign(sb, "c2")
    sb.fail_next("PATCH", "*/c1", action="slow", delay_ms=600)
    with make_client(sb) as a, make_client(sb) as b, ThreadPoolExecutor(1) as pool:
        first = pool.submit(Engine(a, state_dir=tmp_path).apply, want())
        assert until(lambda: audit.open_intents(tmp_path) != [])
        Engine(b, state_dir=tmp_path).apply_all([(want("c2"), None)])
        assert [r.campaign_id for r in audit.open_intents(tmp_path)] == ["c1"]
        assert first.result().status == "applied"
    assert audit.open_intents(tmp_path) == [] and integrity.verify(tmp_path) == []
    assert sorted(r.campaign_id for r in audit.applied(tmp_path)) == ["c1", "c2"]


@pytest.mark.parametrize(
    ("table", "why"),
    [("chain_head", "cannot take the intent"), ("audit", "cannot be read")],
)
def test_a_trail_that_cannot_take_the_intent_sends_nothing(
    sb: Sandbox, tmp_path: Path, table: str, why: str
) -> None:
    """When the intent cannot be written, or open intents cannot be read (a table of the trail
    gone mid-run), the PATCH is not sent: the campaign fails saying so and stays as it was."""
    import sqlite3

    from selang.state import db

    add_campaign(sb, "c1")
    with make_client(sb) as client, Engine(client, state_dir=tmp_path) as engine:
        conn = sqlite3.connect(db.db_path(tmp_path))
        conn.execute(f"DROP TABLE {table}")
        conn.commit()
        conn.close()
        outcome = engine.apply(want())
    assert outcome.status == "failed" and outcome.message.startswith("nothing was sent")
    assert why in outcome.message
    assert not [r for r in sb.requests() if r.method == "PATCH"]
    assert sb.campaign("c1")["version"] == 1
