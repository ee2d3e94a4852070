"""`plan`, `apply` and `import` against a CXone instance or the embedded sandbox, and the CRM
outbox: the steps the command line runs, as functions that return what happened.

Configuration problems raise `selang.remote.errors.ConfigError`, the remote's refusals
`RemoteError`; requests and the sandbox are imported only when a connection is opened.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from selang.app.compile import Refusal, refusal
from selang.core.diagnostics import Diagnostic
from selang.remote import settings

if TYPE_CHECKING:
    from selang.app.diff import PlanVerdict
    from selang.core.errors import DiskFull
    from selang.remote import plan as planning
    from selang.remote.apply import Desired, Engine, Outcome
    from selang.remote.client import CxoneClient
    from selang.remote.crm import Delivery
    from selang.remote.metrics import RunMetrics
    from selang.remote.plan import PlannedChange


def state_dir(flag: str | None) -> Path:
    """Local state: `flag`, else `$SELANG_STATE_DIR`, else `.selang/`."""
    return settings.state_dir(flag, os.environ)


@attrs.frozen
class Connection:
    """Where to connect and how, as the flags give it; the environment fills in the rest."""

    instance_url: str | None = None
    client_id: str | None = None
    client_secret_file: str | None = None
    basic_auth: bool = False
    rate_limit: float | None = None
    sandbox: bool = False
    state_dir: str | None = None
    workers: int = 1
    timeout: float | None = None  # `--timeout`: the whole command; None: the environment's


def preflight(conn: Connection, *, crm: bool = False) -> None:
    """Fail on configuration before any file is read or any connection opened; with `crm`
    (a command that delivers CRM events) the CRM settings too."""
    env = os.environ
    if crm:
        settings.crm_from(env)
    settings.retry_policy_from(env)
    settings.rate_limit_from(env)
    settings.timeouts_from(env)
    if not conn.sandbox:
        settings.cxone_from(
            env,
            instance_url=conn.instance_url,
            client_id=conn.client_id,
            client_secret_file=conn.client_secret_file,
            rate_limit=conn.rate_limit,
        )


@contextlib.contextmanager
def connect(conn: Connection, campaigns: Sequence[str] = ()) -> Iterator[CxoneClient]:
    """A client for the configured instance, or for the embedded sandbox with `sandbox`.

    The embedded sandbox is for trying selang on one's own files, so the `campaigns` about to
    be planned or applied are created in it (as realistic seed documents) when missing.
    """
    from selang.remote.client import CxoneClient

    env = os.environ
    policy = settings.retry_policy_from(env)
    if not conn.sandbox:
        found = settings.cxone_from(
            env,
            instance_url=conn.instance_url,
            client_id=conn.client_id,
            client_secret_file=conn.client_secret_file,
            basic_auth=conn.basic_auth,
            rate_limit=conn.rate_limit,
        )
        with CxoneClient(_timed(found, conn), policy=policy, workers=conn.workers) as client:
            yield client
        return
    from selang.core.errors import ConfigError

    try:
        from selang import sandbox
    except ImportError:
        raise ConfigError("the embedded sandbox is not available in this installation") from None
    sandbox_dir = state_dir(conn.state_dir) / "sandbox"
    sandbox_dir.mkdir(parents=True, exist_ok=True)
    with sandbox.running(state_dir=sandbox_dir, port=0, campaigns=campaigns) as box:
        rate = conn.rate_limit if conn.rate_limit is not None else settings.rate_limit_from(env)
        local = settings.CxoneSettings(box.url, box.client_id, box.client_secret, rate_limit=rate)
        local = _timed(settings.with_timeouts(local, env), conn)
        with CxoneClient(local, policy=policy, workers=conn.workers) as client:
            yield client


def _timed(found: settings.CxoneSettings, conn: Connection) -> settings.CxoneSettings:
    """The command's `--timeout` over the environment's."""
    return found if conn.timeout is None else attrs.evolve(found, run_timeout=conn.timeout)


# --- webhooks -------------------------------------------------------------------------------


@attrs.frozen
class Registered:
    """A webhook just registered. `secret`: its one-time signing secret, for the caller to show
    once; None when it went into `secret_file`, or when the server gave none."""

    webhook_id: str
    secret: str | None
    secret_file: str | None


def register_webhook(
    conn: Connection, url: str, events: Sequence[str], secret_file: str | None = None
) -> Registered:
    """Register a CXone webhook. With `secret_file` its signing secret goes into that new 0600
    file: an existing path is refused before anything is sent, and if the secret cannot be
    written the webhook is deleted again, so none is left that no receiver can verify."""
    from selang.core import files
    from selang.core.errors import ConfigError

    handle = None
    if secret_file:
        try:
            handle = files.new_private_file(secret_file)
        except FileExistsError:
            raise ConfigError(
                f"`{secret_file}` exists already: the signing secret is written to a new file only"
            ) from None
    try:
        with connect(conn) as client:
            hook = client.create_webhook(url, list(events))
            hook_id = str(hook.get("id"))
            secret = hook.get("secret")
            secret = secret if isinstance(secret, str) and secret else None
            if handle is None or secret is None:
                if handle is not None:
                    handle.close()
                    os.unlink(str(secret_file))
                return Registered(hook_id, secret, None)
            try:
                with files.writing(str(secret_file)), handle:
                    handle.write(secret.encode("utf-8") + b"\n")
                    handle.flush()
                    os.fsync(handle.fileno())
            except OSError:
                from selang.remote.errors import RemoteError

                with contextlib.suppress(RemoteError):
                    client.delete_webhook(hook_id)
                raise
            return Registered(hook_id, None, secret_file)
    except BaseException:
        if handle is not None:
            handle.close()
            with contextlib.suppress(OSError):
                os.unlink(str(secret_file))
        raise


# --- the files to send ----------------------------------------------------------------------

# Beyond `compile.refusal`: the file has no campaign id, or another file already has its id.
Unsendable = Refusal | Literal["no-campaign", "duplicate"]


@attrs.frozen
class FileReport:
    path: str
    diagnostics: tuple[Diagnostic, ...]
    overridden: tuple[Diagnostic, ...]
    refusal: Unsendable | None
    campaign_id: str | None = None
    # With `duplicate`: the earlier file with the same campaign.
    other: str | None = None


@attrs.frozen
class Loaded:
    desired: tuple[Desired, ...]
    files: tuple[FileReport, ...]

    @property
    def ok(self) -> bool:
        return all(f.refusal is None for f in self.files)


def load_desired(paths: Sequence[str]) -> Loaded:
    """Check and compile every file; each becomes a `Desired` unless `refusal` (or a missing
    or repeated campaign id) rules it out. Nothing may be sent unless all of them pass."""
    from selang.app.loader import load_selection
    from selang.remote.apply import Desired
    from selang.targets import cxone

    desired: list[Desired] = []
    reports: list[FileReport] = []
    shared: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for path in paths:
        result = load_selection(path, shared)
        why: Unsendable | None = refusal(result)
        cid = other = None
        if why is None and result.selection is not None:
            cid = result.selection.campaign_id
            if cid is None:
                why = "no-campaign"
            elif cid in seen:
                why, other = "duplicate", seen[cid]
            else:
                seen[cid] = path
                desired.append(Desired(cid, cxone.emit(result.selection), path, compliant=True))
        reports.append(FileReport(path, result.diagnostics, result.overridden, why, cid, other))
    return Loaded(tuple(desired), tuple(reports))


# --- plan and apply -------------------------------------------------------------------------


def plan(conn: Connection, desired: Sequence[Desired]) -> list[PlannedChange]:
    """What applying `desired` would change, read from the live campaigns."""
    from selang.remote.apply import Engine

    with connect(conn, [d.campaign_id for d in desired]) as client:
        engine = Engine(client)
        return [engine.read_plan(d) for d in desired]


@attrs.frozen
class Explained:
    """One campaign of a plan, with what a reviewer reads: its changes, line by line, and
    (when there are any) what they do to its contacts."""

    change: PlannedChange
    steps: tuple[planning.Change, ...]
    verdict: PlanVerdict | None


def explain(change: PlannedChange) -> Explained:
    from selang.app.diff import plan_verdict
    from selang.remote import plan as planning

    steps = tuple(planning.changes(planning.diff(change.base, change.desired)))
    if not steps:
        return Explained(change, (), None)
    verdict = plan_verdict(change.base, change.desired, change.source, change.campaign_id)
    return Explained(change, steps, verdict)


def plan_document(explained: Sequence[Explained]) -> dict[str, Any]:
    """The plan as JSON: what `apply --plan` reads back, and for each campaign `changes` (each
    an `action` on a `kind`), `contacts` (§7's verdict object, null without changes) and
    `findings` (the change policies' diagnostics)."""
    from selang.remote import plan as planning

    doc = planning.document([e.change for e in explained])
    for entry, e in zip(doc["campaigns"], explained, strict=True):
        entry["changes"] = [step.to_json() for step in e.steps]
        entry.update(e.verdict.to_json() if e.verdict else {"contacts": None, "findings": []})
    return doc


def save_plan(path: str, doc: dict[str, Any]) -> None:
    from selang.remote import plan as planning

    planning.save(Path(path), doc)


def saved_plan(path: str) -> tuple[list[Desired], list[PlannedChange]]:
    """A plan file's selections and the changes it pinned; raises `PlanFileError`."""
    from selang.remote import plan as planning
    from selang.remote.apply import Desired

    planned = planning.load(Path(path))
    return [Desired(c.campaign_id, c.desired, c.source, c.compliant) for c in planned], planned


class Applying:
    """An open connection that applies selections under version locks and records each change
    in the audit trail (and the CRM outbox when a CRM is configured)."""

    def __init__(self, client: CxoneClient, engine: Engine) -> None:
        self.client, self.engine = client, engine

    def read_plan(self, desired: Desired) -> PlannedChange:
        return self.engine.read_plan(desired)

    def apply(
        self,
        items: Sequence[tuple[Desired, PlannedChange | None]],
        jobs: int,
        strict: bool,
        on_done: Callable[[Outcome], None] | None = None,
        on_stop: Callable[[], None] | None = None,
    ) -> list[Outcome]:
        """Outcomes in input order; a pinned change (`strict`) refuses a campaign that moved.
        A Ctrl-C stops the run gracefully (`on_stop` is told): see `Engine.apply_all`."""
        return self.engine.apply_all(
            items, jobs=jobs, strict=strict, on_done=on_done, on_stop=on_stop
        )

    @property
    def retries(self) -> int:
        return self.client.stats.retries

    @property
    def stopped(self) -> DiskFull | None:
        """The full disk that stopped the run (no later change was sent), if one did."""
        return self.engine.stopped


@contextlib.contextmanager
def applying(conn: Connection, desired: Sequence[Desired], force: bool) -> Iterator[Applying]:
    from selang.remote.apply import Engine

    with connect(conn, [d.campaign_id for d in desired]) as client:
        notify = settings.crm_from(os.environ).configured
        engine = Engine(client, state_dir=state_dir(conn.state_dir), force=force, notify=notify)
        yield Applying(client, engine)


@attrs.frozen
class RunEnd:
    crm: Delivery
    metrics: RunMetrics
    # Why the metrics file could not be written (its `strerror`), or None.
    metrics_error: str | None


def finish_run(
    conn: Connection,
    outcomes: Sequence[Outcome],
    retries: int,
    metrics_file: str | None,
    *,
    held: str | None = None,
) -> RunEnd:
    """Deliver pending CRM events (within 10 s) unless `held` says why not (an interrupt, a full
    disk, where no delivery could be marked done: they wait in the outbox), then write the
    run's Prometheus metrics."""
    from selang.remote.crm import Delivery
    from selang.remote.metrics import RunMetrics
    from selang.state import outbox
    from selang.state.db import TrailError

    if held is None:
        delivery = flush_crm(conn.state_dir, budget=10.0)[0]
    else:
        try:
            waiting = len(outbox.pending(state_dir(conn.state_dir)))
        except (OSError, TrailError, sqlite3.Error):  # a full disk may refuse even a read
            waiting = 0
        delivery = Delivery(0, waiting, held)
    metrics = RunMetrics.of(outcomes, retries)
    error = None
    if metrics_file:
        from selang.core import files
        from selang.core.errors import DiskFull

        path = Path(metrics_file)
        try:
            # not `files.write_atomic`: a new metrics file is for a scraper, so not private
            with files.writing(path):
                tmp = path.with_name(path.name + ".tmp")
                tmp.write_text(metrics.prometheus(), encoding="utf-8")
                tmp.replace(path)  # a scraper never sees half a file
        except DiskFull as exc:
            error = exc.message
        except OSError as exc:
            error = exc.strerror or str(exc)
    return RunEnd(delivery, metrics, error)


def flush_crm(state_flag: str | None, budget: float) -> tuple[Delivery, bool]:
    """Send pending CRM events; also whether a CRM is configured to send them to."""
    from selang.remote import crm

    crm_settings = settings.crm_from(os.environ)
    return crm.flush(state_dir(state_flag), crm_settings, budget=budget), crm_settings.configured


# --- import ---------------------------------------------------------------------------------


@attrs.frozen
class Imported:
    source: str | None
    diagnostics: tuple[Diagnostic, ...]
    # `unreadable`: selang cannot read the live selection; `inexpressible`: `.sel` cannot say it.
    problem: Literal["unreadable", "inexpressible"] | None = None


def import_campaign(conn: Connection, campaign_id: str) -> Imported:
    """A live campaign's selection as `.sel` source."""
    from selang.core.diagnostics import has_errors
    from selang.targets import cxone

    with connect(conn) as client:
        doc = client.get_campaign(campaign_id)
    selection, diagnostics = cxone.read_payload(doc, f"campaign `{campaign_id}`")
    if selection is None or has_errors(diagnostics):
        return Imported(None, tuple(diagnostics), "unreadable")
    from selang.format.decompile import DecompileError, to_source

    try:
        source = to_source(attrs.evolve(selection, campaign_id=campaign_id))
    except DecompileError as exc:
        return Imported(None, (exc.diagnostic,), "inexpressible")
    return Imported(source, ())
