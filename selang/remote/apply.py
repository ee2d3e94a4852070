"""The apply engine: read, compare, PATCH under the version lock, resolve conflicts, record.

One campaign's loop is bounded by the retry policy; many campaigns run on a small thread pool
sharing one client (one token, one rate-limit budget).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

import attrs

from selang.core.errors import DiskFull
from selang.remote import plan as planning
from selang.remote.client import CxoneClient
from selang.remote.errors import GaveUp, RemoteError

Status = Literal["applied", "unchanged", "conflict", "failed"]


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


class Conflict(Exception):
    def __init__(self, message: str, theirs: dict[str, Any], version: int) -> None:
        super().__init__(message)
        self.message = message
        self.theirs = theirs
        self.version = version


class Stopped(Exception):
    """A full disk stopped the run before this campaign was sent."""

    def __init__(self, reason: DiskFull) -> None:
        super().__init__(reason.message)
        self.reason = reason


class Engine:
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
        self._journal: Any = None  # audit.Journal; reopened after `close` if more changes come
        if state_dir is not None:
            from selang.state import audit

            # Before any request: a state database that cannot take a record stops the run
            # here, not after a PATCH has changed the campaign.
            self._journal = audit.Journal(state_dir)
        self._read: dict[str, dict[str, Any]] = {}  # documents `read_plan` fetched, by id
        # The full disk that stopped the run: with no room for the audit trail, no further
        # change is sent, since none of them could be recorded either.
        self.stopped: DiskFull | None = None

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
        state: dict[str, Any] = {"patches": 0, "before": None, "started": started}
        try:
            outcome = self._apply(desired, ours, pinned if strict else None, pinned, state)
        except Stopped as exc:
            outcome = Outcome(
                desired.campaign_id,
                desired.source,
                "failed",
                version_before=state["before"],
                message=f"not sent: {exc.reason.message}",
            )
        except Conflict as exc:
            outcome = Outcome(
                desired.campaign_id,
                desired.source,
                "conflict",
                version_before=exc.version,
                message=exc.message,
                ours=ours,
                theirs=exc.theirs,
            )
        except RemoteError as exc:
            if exc.ends_run:
                raise
            outcome = Outcome(
                desired.campaign_id,
                desired.source,
                "failed",
                version_before=state["before"],
                message=exc.message,
            )
        return attrs.evolve(outcome, latency=clock.monotonic() - started, patches=state["patches"])

    def _apply(
        self,
        desired: Desired,
        ours: dict[str, Any],
        pinned: planning.PlannedChange | None,
        planned: planning.PlannedChange | None,
        state: dict[str, Any],
    ) -> Outcome:
        client, cid = self.client, desired.campaign_id
        budget = client.policy.start(client.clock)
        self._go_on()
        with self._record_lock:
            doc = self._read.pop(cid, None)
        if doc is None or pinned is not None:
            # a saved plan is checked against a fresh read, so a stale one sends nothing
            doc = client.get_campaign(cid)
        # otherwise the document just read for the plan serves the first try; if it went
        # stale the PATCH gets a 409 and the loop reads again, as after any other writer
        state["before"] = doc["version"]
        base = planned.base if planned else planning.normalise(doc.get("contactSelection"))
        maybe_applied = False  # a PATCH with an unknown outcome may have landed
        conflicts = 0
        while True:
            live = planning.normalise(doc.get("contactSelection"))
            if planning.same(live, ours):
                if not maybe_applied:
                    return Outcome(cid, desired.source, "unchanged", doc["version"], doc["version"])
                # our PATCH landed although its answer was lost: applied exactly once
                return self._applied(desired, ours, state, doc["version"], "applied (confirmed)")
            if not self.force:
                self._check_moved(cid, doc, live, base, pinned)
            patch = dict(doc)
            patch["contactSelection"] = ours
            self._go_on()
            reply = client.patch_campaign(cid, patch)
            state["patches"] += 1
            if reply.kind == "applied":
                after = (reply.document or {}).get("version")
                after = after if isinstance(after, int) else doc["version"] + 1
                return self._applied(desired, ours, state, after, "applied")
            if reply.kind == "conflict":
                conflicts += 1
                if conflicts > client.policy.max_conflicts:
                    raise GaveUp(f"gave up after {conflicts} version conflicts in a row")
            else:
                if reply.kind == "unknown":
                    maybe_applied = True
                wait = budget.next_wait(reply.retry_after)
                if wait is None:
                    what = "the outcome is unknown" if maybe_applied else "still throttled"
                    raise GaveUp(f"gave up after {budget.attempts} attempts: {what}")
                client.stats.add(retries=1)
                wait = client.budget.cap(wait, f"retrying campaign `{cid}`")
                if reply.kind == "throttled":
                    client.limiter.pause(wait)
                else:
                    client.clock.sleep(wait)
            # never re-send blindly: read what is there now and decide again
            doc = client.get_campaign(cid)

    def _go_on(self) -> None:
        """Raise `Stopped` once a full disk has stopped the run."""
        if self.stopped is not None:
            raise Stopped(self.stopped)

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

    def _applied(
        self,
        desired: Desired,
        ours: dict[str, Any],
        state: dict[str, Any],
        version_after: int,
        result: str,
    ) -> Outcome:
        outcome = Outcome(
            desired.campaign_id,
            desired.source,
            "applied",
            state["before"],
            version_after,
            message=result,
        )
        if self.state_dir is None:
            return outcome
        from selang.state import audit

        change = audit.Change(
            campaign_id=desired.campaign_id,
            version_before=state["before"],
            version_after=version_after,
            payload_sha256=planning.digest(ours),
            source=desired.source,
            result=result,
            latency_ms=round((self.client.clock.monotonic() - state["started"]) * 1000),
            attempts=state["patches"],
            compliant=desired.compliant,
        )
        try:
            with self._record_lock:
                if self._journal is None:
                    self._journal = audit.Journal(self.state_dir)
                record, event_id = self._journal.record(change, notify=self.notify)
        except DiskFull as exc:  # the trail is as it was: the record was not written at all
            self.stopped = exc
            return attrs.evolve(
                outcome,
                status="failed",
                message=f"applied (version {version_after}) but not recorded in the audit "
                f"trail: {exc.message}",
            )
        except Exception as exc:  # the change is live; say so loudly rather than lose it
            return attrs.evolve(
                outcome,
                status="failed",
                message=f"applied (version {version_after}) but the audit record could not "
                f"be written ({exc})",
            )
        return attrs.evolve(outcome, audit_seq=record.seq, event_id=event_id)

    def apply_all(
        self,
        items: Sequence[tuple[Desired, planning.PlannedChange | None]],
        *,
        jobs: int = 4,
        strict: bool = True,
        on_done: Callable[[Outcome], None] | None = None,
    ) -> list[Outcome]:
        """Outcomes in input order; `on_done` is called as each campaign finishes."""

        def one(item: tuple[Desired, planning.PlannedChange | None]) -> Outcome:
            outcome = self.apply(*item, strict=strict)
            if on_done is not None:
                on_done(outcome)
            return outcome

        try:
            if jobs <= 1 or len(items) <= 1:
                return [one(item) for item in items]
            with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="selang-apply") as pool:
                return list(pool.map(one, items))
        finally:
            self.close()
