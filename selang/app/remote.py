"""`plan`, `apply` and `import` against a CXone instance or the embedded sandbox, and the CRM
outbox: the steps the command line runs, as functions that return what happened.

Configuration problems raise `selang.remote.errors.ConfigError`, the remote's refusals
`RemoteError`; requests and the sandbox are imported only when a connection is opened.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from selang.app.compile import Refusal, refusal
from selang.core.diagnostics import Diagnostic
from selang.remote import settings

if TYPE_CHECKING:
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


def preflight(conn: Connection) -> None:
    """Fail on configuration before any file is read or any connection opened."""
    env = os.environ
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


def save_plan(path: str, changes: Sequence[PlannedChange]) -> None:
    from selang.remote import plan as planning

    planning.save(Path(path), changes)


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
    deliver: bool = True,
) -> RunEnd:
    """Deliver pending CRM events (within 10 s; not when `deliver` is false, as after a
    Ctrl-C, when they wait in the outbox), then write the run's Prometheus metrics."""
    from selang.remote.crm import Delivery
    from selang.remote.metrics import RunMetrics
    from selang.state import outbox

    if deliver:
        delivery = flush_crm(conn.state_dir, budget=10.0)[0]
    else:
        delivery = Delivery(0, len(outbox.pending(state_dir(conn.state_dir))), "interrupted")
    metrics = RunMetrics.of(outcomes, retries)
    error = None
    if metrics_file:
        path = Path(metrics_file)
        try:
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(metrics.prometheus(), encoding="utf-8")
            tmp.replace(path)  # a scraper never sees half a file
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
