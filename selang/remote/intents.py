"""Intents in the audit trail, as the apply engine writes and settles them.

Before each PATCH an `intent` record goes into the trail; the answer settles it (`applied`,
`abandoned`), and an outcome lost with its answer is settled from a read of the campaign
(`selang.remote.settle`), in the same run or the next. `Intents` is the part of the engine
(`selang.remote.apply.Engine`) that keeps that book; the engine sends.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from selang.core.errors import DiskFull
from selang.remote import plan as planning
from selang.remote import settle
from selang.remote.client import CxoneClient
from selang.remote.errors import RemoteError

if TYPE_CHECKING:
    from selang.remote.apply import Desired
    from selang.state.audit import AuditRecord, Journal


class Conflict(Exception):
    def __init__(self, message: str, theirs: dict[str, Any], version: int) -> None:
        super().__init__(message)
        self.message = message
        self.theirs = theirs
        self.version = version


class TrailFailed(Exception):
    """The audit trail could not take a record; the message says why."""


@attrs.define
class OpenIntent:
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
    def of(cls, record: AuditRecord) -> OpenIntent:
        return cls(
            record.seq,
            record.version_before,
            record.payload_sha256,
            record.source,
            bool(record.compliant),
        )


@attrs.frozen
class Landed:
    """An intent settled as applied, and the record that says so (None without a trail).
    `mine`: this loop's PATCH is the one that landed (or, unanswered, may be)."""

    after: int
    record: AuditRecord | None
    mine: bool


class Intents:
    """The engine's intents: written before each PATCH, settled after it or by a read-back."""

    client: CxoneClient
    state_dir: Path | None
    notify: bool
    stopped: DiskFull | None
    _record_lock: threading.Lock
    _journal: Journal | None

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
        opened: list[OpenIntent],
        version: int,
        digest: str,
        state: dict[str, Any],
    ) -> OpenIntent:
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
        mine = OpenIntent(
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
        self, o: OpenIntent, kind: str, result: str, state: dict[str, Any], after: int | None = None
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
        self, opened: list[OpenIntent], mine: OpenIntent, after: int, state: dict[str, Any]
    ) -> Landed:
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
        return Landed(after, record, mine=True)

    def _settle_moved(
        self, opened: list[OpenIntent], doc: dict[str, Any], digest: str, state: dict[str, Any]
    ) -> Landed | None:
        """Settle, oldest first, the intents sent at another version than `doc` has now.

        Returns the one settled as applied whose selection is ours, if any. Raises `Conflict`
        when this loop sent ours and cannot tell whether it landed: it is never sent again.
        """
        found: Landed | None = None
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
                    found = Landed(o.version + 1, record, o.unanswered)
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

    def _close_refused(self, opened: list[OpenIntent], state: dict[str, Any], why: str) -> None:
        """As a campaign's loop ends: an intent of its none of whose PATCHes can land is
        abandoned; one that may have landed stays open, for the next run to settle."""
        for o in [o for o in opened if o.mine and not (o.uncertain or o.sending)]:
            opened.remove(o)
            with contextlib.suppress(TrailFailed):  # left open: the next run settles it
                self._close(o, "abandoned", why if o.refused == "not sent" else o.refused, state)

    def settle_others(self, campaign_ids: Sequence[str]) -> None:
        """Settle the open intents of campaigns outside `campaign_ids` (the start of a run),
        by reading each of those campaigns once. One that cannot be read stays open."""
        if self.state_dir is None:
            return
        skip = set(campaign_ids)
        by_campaign: dict[str, list[OpenIntent]] = {}
        for record in self._open_intents():
            if record.campaign_id not in skip:
                by_campaign.setdefault(record.campaign_id, []).append(OpenIntent.of(record))
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


def landed_elsewhere(landed: Landed) -> str:
    where = "" if landed.record is None else f" (audit record {landed.record.seq})"
    return (
        f"the change an earlier or concurrent run sent at version {landed.after - 1} landed{where}"
    )


def _beaten(o: OpenIntent, record: AuditRecord | None) -> str:
    by = "another change of this run" if record is None else f"record {record.seq}"
    return f"not applied: version {o.version + 1} is {by}"
