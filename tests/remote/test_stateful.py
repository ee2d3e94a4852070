"""Several appliers and an out-of-band editor against one sandbox, driven by Hypothesis."""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from selang import sandbox
from selang.remote import crm
from selang.remote import plan as planning
from selang.remote.apply import Desired, Engine
from selang.remote.settings import CrmSettings
from selang.state import audit, integrity, outbox
from tests.remote.conftest import landed, make_client
from tests.remote.receiver import FakeCrm

CAMPAIGNS = ("c1", "c2")
SELECTIONS = [
    {
        "targetListIds": [f"list_{n}"],
        "exclusionListIds": ["list_dnc"],
        "filterRules": [{"field": "age", "operator": "gte", "value": 18 + n}],
        "priorityOrder": ["default"],
    }
    for n in range(3)
]

_shared: dict[str, Any] = {}


def shared() -> tuple[Any, FakeCrm]:
    """One sandbox and one CRM for all examples (reset per example); started on first use."""
    if not _shared:
        folder = Path(tempfile.mkdtemp(prefix="selang-stateful-"))
        _shared["dir"] = folder
        _shared["box_cm"] = sandbox.running(state_dir=folder / "sb", port=0, campaigns=CAMPAIGNS)
        _shared["box"] = _shared["box_cm"].__enter__()
        _shared["crm"] = FakeCrm().__enter__()
    return _shared["box"], _shared["crm"]


def teardown_module() -> None:
    if _shared:
        _shared["box_cm"].__exit__(None, None, None)
        _shared["crm"].__exit__(None, None, None)
        shutil.rmtree(_shared["dir"], ignore_errors=True)
        _shared.clear()


def applied_on_server(box: Any) -> int:
    return sum(
        1
        for r in box.requests()
        if r.method == "PATCH" and (r.status == 200 or (r.dropped and r.fault == "drop_patch"))
    )


class ApplyMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.box, self.crm = shared()
        self.box.reset(seed=True)
        self.crm.received.clear()
        self.crm.down = False
        self.state = Path(tempfile.mkdtemp(prefix="selang-state-"))
        self.crm_settings = CrmSettings(self.crm.url, "sync-token")
        self.clients = [make_client(self.box) for _ in range(3)]
        self.engines = [Engine(c, state_dir=self.state) for c in self.clients]
        self.applied = 0
        self.expected = {
            cid: planning.normalise(self.box.campaign(cid)["contactSelection"]) for cid in CAMPAIGNS
        }

    def want(self, cid: str, n: int) -> Desired:
        return Desired(cid, copy.deepcopy(SELECTIONS[n]), f"{cid}.sel")

    @rule(
        who=st.integers(0, 2),
        cid=st.sampled_from(CAMPAIGNS),
        n=st.integers(0, 2),
        drop=st.booleans(),
    )
    def apply(self, who: int, cid: str, n: int, drop: bool) -> None:
        if drop:
            self.box.drop_next_patch()
        outcome = self.engines[who].apply(self.want(cid, n))
        self.box.clear_faults()
        assert outcome.status in ("applied", "unchanged"), outcome.message
        self.applied += outcome.status == "applied"
        self.expected[cid] = SELECTIONS[n]

    @rule(cid=st.sampled_from(CAMPAIGNS), a=st.integers(0, 2), b=st.integers(0, 2))
    def race(self, cid: str, a: int, b: int) -> None:
        """Two appliers on one campaign at once: one may lose with a conflict, none silently."""
        with ThreadPoolExecutor(2) as pool:
            fa = pool.submit(self.engines[0].apply, self.want(cid, a))
            fb = pool.submit(self.engines[1].apply, self.want(cid, b))
            outcomes = [fa.result(), fb.result()]
        assert all(o.status != "failed" for o in outcomes), [o.message for o in outcomes]
        applied = [o for o in outcomes if o.status == "applied"]
        self.applied += len(applied)
        live = planning.normalise(self.box.campaign(cid)["contactSelection"])
        if applied:
            # Records are kept in the order the appliers finished, which in a race need not be
            # the server's order; the server's order is the version each write produced.
            mine = [r for r in audit.applied(self.state) if r.campaign_id == cid]
            last = max(mine, key=lambda r: r.version_after or 0)
            assert last.payload_sha256 == planning.digest(live)  # the last writer is what is live
        self.expected[cid] = live

    @rule(cid=st.sampled_from(CAMPAIGNS), n=st.integers(0, 2), name=st.text(min_size=1, max_size=5))
    def edit_out_of_band(self, cid: str, n: int, name: str) -> None:
        self.box.edit_campaign(cid, contactSelection=copy.deepcopy(SELECTIONS[n]), name=name)
        self.expected[cid] = SELECTIONS[n]

    @rule()
    def crm_flaps(self) -> None:
        self.crm.down = not self.crm.down
        crm.flush(self.state, self.crm_settings, budget=2.0)

    @precondition(lambda self: self.applied > 0)
    @rule()
    def token_revoked(self) -> None:
        self.box.revoke_tokens()

    @invariant()
    def no_lost_update(self) -> None:
        for cid in CAMPAIGNS:
            live = self.box.campaign(cid)["contactSelection"]
            assert planning.same(live, self.expected[cid])

    @invariant()
    def one_record_per_applied_change(self) -> None:
        assert len(audit.applied(self.state)) == self.applied == applied_on_server(self.box)

    @invariant()
    def trail_is_the_servers_history(self) -> None:
        """Each PATCH that landed is one applied record of the version it made, and no
        intent is left open (every step ends with its answers in)."""
        ours = sorted((r.campaign_id, r.version_before, r.payload_sha256)
                      for r in audit.applied(self.state))  # fmt: skip
        assert ours == sorted(landed(self.box))
        assert all(r.version_after == r.version_before + 1 for r in audit.applied(self.state))
        assert audit.open_intents(self.state) == []

    @invariant()
    def chain_verifies(self) -> None:
        assert integrity.verify(self.state) == []

    @invariant()
    def every_change_has_its_event(self) -> None:
        seqs = [r.seq for r in audit.applied(self.state)]
        assert [e.audit_seq for e in outbox.all_events(self.state)] == seqs

    def teardown(self) -> None:
        try:
            self.crm.down = False
            report = crm.flush(self.state, self.crm_settings, budget=5.0)
            assert report.pending == 0
            delivered = {json.loads(s.body)["auditId"] for s in self.crm.delivered}
            assert delivered == {r.seq for r in audit.applied(self.state)}
        finally:
            for client in self.clients:
                client.close()
            shutil.rmtree(self.state, ignore_errors=True)


ApplyMachine.TestCase.settings = settings(
    max_examples=12,
    stateful_step_count=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_apply_machine = ApplyMachine.TestCase
test_apply_machine.__doc__ = (
    "No lost update, one audit record per applied change, an intact chain and a CRM event for "
    "every change, whatever appliers and editors do."
)
