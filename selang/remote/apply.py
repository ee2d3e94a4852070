"""The apply engine: read, compare, PATCH under the version lock, resolve conflicts, record.

Before each PATCH an intent goes into the audit trail, and its outcome settles it after: so no
change reaches the server without a record, whenever the run is stopped. An outcome lost with
the answer is settled by reading the campaign back (`settle`), in this run or the next.
One campaign's loop is bounded by the retry policy; many campaigns run on a small pool of
threads sharing one client (one token, one rate-limit budget). `stop()` (Ctrl-C) sends no
further PATCH and lets the ones in flight answer.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from selang.core.errors import DiskFull
from selang.remote import plan as planning
from selang.remote import settle
from selang.remote.client import CxoneClient
from selang.remote.errors import GaveUp, RemoteError

if TYPE_CHECKING:
    from selang.state.audit import AuditRecord, Journal

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


class Conflict(Exception):
    def __init__(self, message: str, theirs: dict[str, Any], version: int) -> None:
        super().__init__(message)
        self.message = message
        self.theirs = theirs
        self.version = version


class Interrupted(Exception):
    """The run was asked to stop before this campaign's next PATCH."""


class TrailFailed(Exception):
    """The audit trail could not take a record; the message says why."""


@attrs.define
class _Open:
    """An intent not settled yet, as one campaign's loop tracks it: a PATCH of the selection
    `payload` (its SHA-256) sent, or about to be sent, at `version`."""

    seq: int | None  # its record in the trail; None when there is no trail
    version: int
    payload: str
    source: str
    compliant: bool
    mine: bool = False  # this loop sends under it (an earlier run's intent is adopted)
    uncertain: bool = True  # one of its PATCHes may have landed, or may still land
    unanswered: bool = False  # one that this loop sent got no answer: it may be the one
    sending: bool = False  # a PATCH of it is in flight
    refused: str = "not sent"  # while not uncertain: why none of its PATCHes landed

    @classmethod
    def of(cls, record: AuditRecord) -> _Open:
        return cls(
            record.seq,
            record.version_before,
            record.payload_sha256,
            record.source,
            bool(record.compliant),
        )


@attrs.frozen
class _Landed:
    """An intent settled as applied, and the record that says so (None without a trail).
    `mine`: this loop's PATCH is the one that landed (or, unanswered, may be)."""

    after: int
    record: AuditRecord | None
    mine: bool


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
        opened: list[_Open] = []
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
        opened: list[_Open],
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
        opened.extend(_Open.of(r) for r in self._open_intents(cid))
        conflicts = 0
        while True:
            landed = self._settle_moved(opened, doc, digest, state)
            live = planning.normalise(doc.get("contactSelection"))
            if landed is not None and landed.mine:
                return self._outcome(desired, landed, state, "applied (confirmed)")
            if planning.same(live, ours):
                # with `landed`: another run's PATCH of this selection landed (one stopped
                # before it could record it, or one racing this); this run changed nothing
                told = "" if landed is None else _landed_elsewhere(landed)
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

    # --- intents and their settlement --------------------------------------------------------

    def _open_intents(self, cid: str | None = None) -> list[AuditRecord]:
        if self.state_dir is None:
            return []
        try:
            with self._record_lock:
                journal = self._trail()
            return journal.open_intents(cid)
        except Exception as exc:
            raise TrailFailed(f"nothing was sent: the audit trail cannot be read ({exc})") from exc

    def _trail(self) -> Journal:
        """The journal, reopened after `close`; the caller holds `_record_lock`."""
        from selang.state import audit

        if self._journal is None:
            assert self.state_dir is not None
            self._journal = audit.Journal(self.state_dir)
        return self._journal

    def _intent_for(
        self,
        desired: Desired,
        opened: list[_Open],
        version: int,
        digest: str,
        state: dict[str, Any],
    ) -> _Open:
        """The intent this PATCH goes under: an open one of the same selection at the same
        version (ours from an earlier try, or an earlier run's, adopted), else a new one.
        Sending it again is safe: of the PATCHes sent at version N, at most one lands."""
        for o in opened:
            if o.version == version and o.payload == digest:
                o.mine = True
                return o
        seq = None
        if self.state_dir is not None:
            try:
                seq = self._write(
                    desired.campaign_id, version, None, digest, desired.source, "intent",
                    state, kind="intent", compliant=desired.compliant,
                ).seq  # fmt: skip
            except TrailFailed as exc:
                if isinstance(exc.__cause__, DiskFull):
                    raise TrailFailed(f"not sent: {exc}") from None
                raise TrailFailed(
                    f"nothing was sent: the audit trail cannot take the intent of the change "
                    f"({exc})"
                ) from None
        mine = _Open(
            seq, version, digest, desired.source, desired.compliant, mine=True, uncertain=False
        )
        opened.append(mine)
        return mine

    def _write(
        self,
        cid: str,
        version: int,
        after: int | None,
        digest: str,
        source: str,
        result: str,
        state: dict[str, Any],
        *,
        kind: str,
        compliant: bool,
        settles: int | None = None,
    ) -> AuditRecord:
        """Append one record (an applied one with its CRM event). Raises `AlreadySettled`,
        and `TrailFailed` for whatever else keeps the trail from taking it."""
        from selang.state import audit

        change = audit.Change(
            campaign_id=cid,
            version_before=version,
            version_after=after,
            payload_sha256=digest,
            source=source,
            result=result,
            latency_ms=round((self.client.clock.monotonic() - state["started"]) * 1000),
            attempts=state["patches"],
            compliant=compliant,
            kind=kind,
            settles=settles,
        )
        try:
            with self._record_lock:
                journal = self._trail()
            # outside the lock: the journal commits the records of concurrent workers together
            record, _ = journal.record(change, notify=self.notify)
        except audit.AlreadySettled:
            raise
        except DiskFull as exc:  # the trail is as it was: the record was not written at all
            self.stopped = exc
            raise TrailFailed(exc.message) from exc
        except Exception as exc:
            raise TrailFailed(str(exc)) from exc
        return record

    def _close(
        self, o: _Open, kind: str, result: str, state: dict[str, Any], after: int | None = None
    ) -> AuditRecord | None:
        """Settle `o`; when another run settled it first, that settlement stands."""
        from selang.state import audit

        o.uncertain = o.sending = False
        if o.seq is None:
            return None
        try:
            return self._write(
                state["cid"], o.version, after, o.payload, o.source, result, state,
                kind=kind, compliant=o.compliant, settles=o.seq,
            )  # fmt: skip
        except audit.AlreadySettled as exc:
            return exc.existing

    def _landed(
        self, opened: list[_Open], mine: _Open, after: int, state: dict[str, Any]
    ) -> _Landed:
        """Our PATCH at N was answered 200: it is applied, and no other intent sent at N can
        have landed."""
        opened.remove(mine)
        try:
            record = self._close(mine, "applied", "applied", state, after)
        except TrailFailed as exc:
            if isinstance(exc.__cause__, DiskFull):
                raise TrailFailed(
                    f"applied (version {after}) but not recorded in the audit trail: {exc}; "
                    "the next apply settles it from its intent"
                ) from None
            raise TrailFailed(
                f"applied (version {after}) but the audit record could not be written ({exc}); "
                "the next apply settles it from its intent"
            ) from None
        for o in [o for o in opened if o.version == mine.version]:
            opened.remove(o)
            with contextlib.suppress(TrailFailed):  # left open: the next run settles it
                self._close(o, "abandoned", _beaten(o, record), state)
        return _Landed(after, record, mine=True)

    def _settle_moved(
        self, opened: list[_Open], doc: dict[str, Any], digest: str, state: dict[str, Any]
    ) -> _Landed | None:
        """Settle, oldest first, the intents sent at another version than `doc` has now.

        Returns the one settled as applied whose selection is ours, if any. Raises `Conflict`
        when this loop sent ours and cannot tell whether it landed: it is never sent again.
        """
        found: _Landed | None = None
        landed: dict[int, AuditRecord | None] = {}
        for o in [o for o in opened if o.version != doc["version"]]:
            opened.remove(o)
            if not (o.uncertain or o.sending):  # every PATCH of it was refused
                self._close(o, "abandoned", o.refused, state)
                continue
            if o.version in landed:  # one PATCH at N landed, so this one did not
                self._close(o, "abandoned", _beaten(o, landed[o.version]), state)
                continue
            verdict = settle.judge(o.version, o.payload, doc)
            assert verdict is not None  # the version moved
            after = o.version + 1 if verdict.verdict == "applied" else None
            record = self._close(o, verdict.verdict, verdict.reason, state, after)
            kind = verdict.verdict if record is None else record.kind
            if kind == "applied":
                landed[o.version] = record
                if o.payload == digest and (found is None or o.unanswered):
                    found = _Landed(o.version + 1, record, o.unanswered)
            elif kind == "undetermined" and o.mine and o.payload == digest:
                raise Conflict(
                    f"campaign `{state['cid']}`: the change sent at version {o.version} got no "
                    f"answer, and version {doc['version']} now holds another selection; whether "
                    f"version {o.version + 1} was this change cannot be told, so it is not sent "
                    "again (not even with `--force`): check the campaign, then apply again",
                    planning.normalise(doc.get("contactSelection")),
                    doc["version"],
                )
        return found

    def _close_refused(self, opened: list[_Open], state: dict[str, Any], why: str) -> None:
        """As a campaign's loop ends: an intent of its none of whose PATCHes can land is
        abandoned; one that may have landed stays open, for the next run to settle."""
        for o in [o for o in opened if o.mine and not (o.uncertain or o.sending)]:
            opened.remove(o)
            with contextlib.suppress(TrailFailed):  # left open: the next run settles it
                self._close(o, "abandoned", why if o.refused == "not sent" else o.refused, state)

    def _outcome(
        self, desired: Desired, landed: _Landed, state: dict[str, Any], message: str = "applied"
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

    def settle_others(self, campaign_ids: Sequence[str]) -> None:
        """Settle the open intents of campaigns outside `campaign_ids` (the start of a run),
        by reading each of those campaigns once. One that cannot be read stays open."""
        if self.state_dir is None:
            return
        skip = set(campaign_ids)
        by_campaign: dict[str, list[_Open]] = {}
        for record in self._open_intents():
            if record.campaign_id not in skip:
                by_campaign.setdefault(record.campaign_id, []).append(_Open.of(record))
        for cid, opened in by_campaign.items():
            try:
                doc = self.client.get_campaign(cid)
                state = {"patches": 0, "started": self.client.clock.monotonic(), "cid": cid}
                self._settle_moved(opened, doc, "", state)
            except RemoteError as exc:
                if exc.ends_run:
                    raise
            except TrailFailed:
                pass  # what is left open is settled by a later run

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


def _landed_elsewhere(landed: _Landed) -> str:
    where = "" if landed.record is None else f" (audit record {landed.record.seq})"
    return (
        f"the change an earlier or concurrent run sent at version {landed.after - 1} landed{where}"
    )


def _beaten(o: _Open, record: AuditRecord | None) -> str:
    by = "another change of this run" if record is None else f"record {record.seq}"
    return f"not applied: version {o.version + 1} is {by}"
