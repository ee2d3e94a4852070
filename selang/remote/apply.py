"""The apply engine: read, compare, PATCH under the version lock, resolve conflicts, record.

Before each PATCH an intent goes into the audit trail, and its outcome settles it after: so no
change reaches the server without a record, whenever the run is stopped. An outcome lost with
the answer is settled by reading the campaign back (`intents`, `settle`), in this run or the next.
One campaign's loop is bounded by the retry policy; many campaigns run on a small pool of
threads sharing one client (one token, one rate-limit budget). `stop()` (Ctrl-C) sends no
further PATCH and lets the ones in flight answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from selang.core.errors import DiskFull
from selang.remote import plan as planning
from selang.remote.client import CxoneClient
from selang.remote.errors import GaveUp, RemoteError
from selang.remote.intents import (
    Conflict,
    Intents,
    Landed,
    OpenIntent,
    TrailFailed,
    landed_elsewhere,
)

if TYPE_CHECKING:
    from selang.state.audit import Journal

Status = Literal["applied", "unchanged", "conflict", "failed", "interrupted"]


@attrs.frozen
class Desired:
    """The selection we want on one campaign, and where it came from."""

    campaign_id: str
    selection: dict[str, Any]
    source: str
    compliant: bool = True


@attrs.frozen
class Outcome:
    campaign_id: str
    source: str
    status: Status
    version_before: int | None = None
    version_after: int | None = None
    latency: float = 0.0
    patches: int = 0
    message: str = ""
    audit_seq: int | None = None
    event_id: str | None = None
    ours: dict[str, Any] | None = None
    theirs: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("applied", "unchanged")


class Interrupted(Exception):
    """The run was asked to stop before this campaign's next PATCH."""


class Engine(Intents):
    def __init__(
        self,
        client: CxoneClient,
        *,
        state_dir: Path | None = None,
        force: bool = False,
        notify: bool = True,
    ) -> None:
        self.client = client
        self.state_dir = state_dir
        self.force = force
        self.notify = notify  # queue a CRM event with each audit record
        self._record_lock = threading.Lock()
        self._journal: Journal | None = None  # reopened after `close` if more records come
        if state_dir is not None:
            from selang.state import audit

            # Before any request: a state database that cannot take a record stops the run
            # here, not after a PATCH has changed the campaign.
            self._journal = audit.Journal(state_dir)
        self._read: dict[str, dict[str, Any]] = {}  # documents `read_plan` fetched, by id
        self._stop = threading.Event()
        # The full disk that stopped the run: with no room for the audit trail, no further
        # change is sent, since none of them could be recorded either.
        self.stopped: DiskFull | None = None

    def stop(self) -> None:
        """Send no further PATCH; those in flight still get their answer and their record."""
        self._stop.set()

    def close(self) -> None:
        """Close the audit trail's connection (reopened if more changes are recorded)."""
        with self._record_lock:
            if self._journal is not None:
                self._journal.close()
                self._journal = None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read_plan(self, desired: Desired) -> planning.PlannedChange:
        """Read the live campaign and pin what we would change (for `plan` and prompts)."""
        doc = self.client.get_campaign(desired.campaign_id)
        with self._record_lock:
            self._read[desired.campaign_id] = doc
        return planning.PlannedChange(
            campaign_id=desired.campaign_id,
            source=desired.source,
            base_version=doc["version"],
            base=planning.normalise(doc.get("contactSelection")),
            desired=planning.normalise(desired.selection),
            compliant=desired.compliant,
        )

    def apply(
        self,
        desired: Desired,
        pinned: planning.PlannedChange | None = None,
        *,
        strict: bool = True,
    ) -> Outcome:
        """Never raises for a remote problem; the outcome says what happened.

        `pinned` is the change as planned: its base selection is what the campaign must still
        hold; with `strict` (a saved plan) its version must not have moved either.
        """
        clock = self.client.clock
        started = clock.monotonic()
        ours = planning.normalise(desired.selection)
        opened: list[OpenIntent] = []
        cid, source = desired.campaign_id, desired.source
        state: dict[str, Any] = {"patches": 0, "before": None, "started": started, "cid": cid}
        try:
            outcome = self._apply(desired, ours, pinned if strict else None, pinned, state, opened)
        except Conflict as exc:
            self._close_refused(opened, state, f"not applied: {exc.message}")
            outcome = Outcome(
                cid,
                source,
                "conflict",
                version_before=exc.version,
                message=exc.message,
                ours=ours,
                theirs=exc.theirs,
            )
        except Interrupted:
            self._close_refused(opened, state, "not sent: the run was interrupted")
            if any(o.mine for o in opened):
                why = "interrupted with its change in flight; the next apply settles it"
            else:
                why = "interrupted before its change was sent"
            outcome = Outcome(cid, source, "interrupted", state["before"], message=why)
        except TrailFailed as exc:
            outcome = Outcome(cid, source, "failed", state["before"], message=str(exc))
        except RemoteError as exc:
            self._close_refused(opened, state, f"not applied: {exc.message}")
            if exc.ends_run:
                raise
            outcome = Outcome(cid, source, "failed", state["before"], message=exc.message)
        return attrs.evolve(outcome, latency=clock.monotonic() - started, patches=state["patches"])

    def _apply(
        self,
        desired: Desired,
        ours: dict[str, Any],
        pinned: planning.PlannedChange | None,
        planned: planning.PlannedChange | None,
        state: dict[str, Any],
        opened: list[OpenIntent],
    ) -> Outcome:
        client, cid = self.client, desired.campaign_id
        budget = client.policy.start(client.clock)
        self._checkpoint()
        with self._record_lock:
            doc = self._read.pop(cid, None)
        if doc is None or pinned is not None:
            # a saved plan is checked against a fresh read, so a stale one sends nothing
            doc = client.get_campaign(cid)
        # otherwise the document just read for the plan serves the first try; if it went
        # stale the PATCH gets a 409 and the loop reads again, as after any other writer
        state["before"] = doc["version"]
        base = planned.base if planned else planning.normalise(doc.get("contactSelection"))
        digest = planning.digest(ours)
        # what earlier runs left unsettled for this campaign is settled before anything is sent
        opened.extend(OpenIntent.of(r) for r in self._open_intents(cid))
        conflicts = 0
        while True:
            landed = self._settle_moved(opened, doc, digest, state)
            live = planning.normalise(doc.get("contactSelection"))
            if landed is not None and landed.mine:
                return self._outcome(desired, landed, state, "applied (confirmed)")
            if planning.same(live, ours):
                # with `landed`: another run's PATCH of this selection landed (one stopped
                # before it could record it, or one racing this); this run changed nothing
                told = "" if landed is None else landed_elsewhere(landed)
                version = doc["version"]
                return Outcome(cid, desired.source, "unchanged", version, version, message=told)
            if not self.force:
                self._check_moved(cid, doc, live, base, pinned)
            self._checkpoint()
            mine = self._intent_for(desired, opened, doc["version"], digest, state)
            patch = dict(doc)
            patch["contactSelection"] = ours
            mine.sending = True
            try:
                reply = client.patch_campaign(cid, patch)
            except RemoteError as exc:
                mine.sending = False  # refused, or never sent: this PATCH did not land
                mine.refused = f"not applied: {exc.message}"
                raise
            mine.sending = False
            state["patches"] += 1
            if reply.kind == "applied":
                after = (reply.document or {}).get("version")
                after = after if isinstance(after, int) else doc["version"] + 1
                return self._outcome(desired, self._landed(opened, mine, after, state), state)
            if reply.kind == "conflict":
                mine.refused = "not applied: version conflict (409)"
                conflicts += 1
                if conflicts > client.policy.max_conflicts:
                    raise GaveUp(f"gave up after {conflicts} version conflicts in a row")
            else:
                if reply.kind == "unknown":
                    mine.uncertain = mine.unanswered = True
                else:
                    mine.refused = "not applied: throttled (429)"
                wait = budget.next_wait(reply.retry_after)
                if wait is None:
                    what = "the outcome is unknown" if mine.uncertain else "still throttled"
                    raise GaveUp(f"gave up after {budget.attempts} attempts: {what}")
                client.stats.add(retries=1)
                wait = client.budget.cap(wait, f"retrying campaign `{cid}`")
                if reply.kind == "throttled":
                    client.limiter.pause(wait)
                else:
                    self._sleep(wait)
            # never re-send blindly: read what is there now and decide again
            self._checkpoint()
            doc = client.get_campaign(cid)

    def _checkpoint(self) -> None:
        if self._stop.is_set():
            raise Interrupted
        if self.stopped is not None:
            raise TrailFailed(f"not sent: {self.stopped.message}")

    def _sleep(self, seconds: float) -> None:
        """The client clock's sleep, in short steps so that `stop()` cuts it short."""
        clock = self.client.clock
        ends = clock.monotonic() + seconds
        while not self._stop.is_set():
            left = ends - clock.monotonic()
            if left <= 0:
                return
            clock.sleep(min(left, 0.05))

    def _check_moved(
        self,
        cid: str,
        doc: dict[str, Any],
        live: dict[str, Any],
        base: dict[str, Any],
        pinned: planning.PlannedChange | None,
    ) -> None:
        if pinned and doc["version"] != pinned.base_version:
            raise Conflict(
                f"campaign `{cid}` moved on since the plan was made "
                f"(version {pinned.base_version} -> {doc['version']}); plan again",
                live,
                doc["version"],
            )
        if not planning.same(live, base):
            raise Conflict(
                f"the selection of campaign `{cid}` was changed by someone else "
                f"(now version {doc['version']}); use `--force` to overwrite it",
                live,
                doc["version"],
            )

    def _outcome(
        self, desired: Desired, landed: Landed, state: dict[str, Any], message: str = "applied"
    ) -> Outcome:
        record = landed.record
        return Outcome(
            desired.campaign_id,
            desired.source,
            "applied",
            state["before"],
            landed.after,
            message=message,
            audit_seq=None if record is None else record.seq,
            event_id=None if record is None else record.event_id,
        )

    def apply_all(
        self,
        items: Sequence[tuple[Desired, planning.PlannedChange | None]],
        *,
        jobs: int = 4,
        strict: bool = True,
        on_done: Callable[[Outcome], None] | None = None,
        on_stop: Callable[[], None] | None = None,
    ) -> list[Outcome]:
        """Outcomes in input order; `on_done` is called as each campaign finishes.

        The campaigns run on `jobs` daemon threads while this thread waits, so a Ctrl-C here
        (`KeyboardInterrupt`) stops the run gracefully: `on_stop` is called, no further PATCH
        is sent, the ones in flight are answered and recorded, and the campaigns not done are
        `interrupted`. A second Ctrl-C while waiting for them propagates at once, leaving
        their intents open for the next run; the threads do not hold the process.
        """
        results: list[Outcome | None] = [None] * len(items)
        failures: list[BaseException] = []
        lock = threading.Lock()
        queue = iter(range(len(items)))

        def work(done: threading.Event) -> None:
            try:
                while not failures:
                    with lock:
                        index = next(queue, None)
                    if index is None:
                        return
                    outcome = self.apply(*items[index], strict=strict)
                    results[index] = outcome
                    if on_done is not None:
                        on_done(outcome)
            except BaseException as exc:  # handed to the waiting thread, raised there
                failures.append(exc)
            finally:
                done.set()

        # Waiting on events, not `Thread.join`: a join cut short by Ctrl-C can leave its
        # thread looking finished while it still runs.
        ended: list[threading.Event] = []  # one per worker, set as it ends
        try:
            try:
                self.settle_others([d.campaign_id for d, _ in items])
                for n in range(max(1, min(jobs, len(items)))):
                    ended.append(threading.Event())
                    worker = threading.Thread(
                        target=work, args=(ended[-1],), name=f"selang-apply-{n}", daemon=True
                    )
                    worker.start()
                for done in ended:
                    done.wait()
            except KeyboardInterrupt:
                self.stop()
                if on_stop is not None:
                    on_stop()
                for done in ended:
                    done.wait()
            if failures:
                raise failures[0]
            return [
                outcome or Outcome(d.campaign_id, d.source, "interrupted", message="not started")
                for outcome, (d, _) in zip(results, items, strict=True)
            ]
        finally:
            self.close()
