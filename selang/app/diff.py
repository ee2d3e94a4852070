"""The `diff` use case: two selections read from files, or each file against a git revision,
compared exactly by `selang.analysis.comparison`. Returns results; the command line prints them.

Under `--git REV` the files of that revision are written to a temporary folder first, so an old
campaign's imports resolve to the libraries as they were at REV, not as they are now.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from selang.analysis import Comparison, compare
from selang.app.loader import expand_paths, load_selection
from selang.checks import changes
from selang.checks.config import Config, Finder
from selang.core.diagnostics import Diagnostic, Span, error
from selang.report.diff import comparison_json, finding_text, verdict_text
from selang.semantic.model import Selection
from selang.targets.cxone import read_payload

if TYPE_CHECKING:
    from selang.data import Runner

Status = Literal["compared", "added", "deleted"]
# Errors that mean the file was not read completely: comparing what was read would be a guess.
READING_CODES = frozenset({"SEL001", "SEL002"})
# What a selection may import or be configured by; the rest of a revision is not needed.
_KEPT_SUFFIXES = (".sel", ".json", ".toml")


class DiffError(Exception):
    """An input that cannot be compared at all (exit 2); `diagnostics` say why."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        super().__init__(diagnostics[0].message if diagnostics else "cannot compare")
        self.diagnostics = tuple(diagnostics)


@attrs.frozen
class FileDiff:
    """One campaign's change: `comparison` is None when the file is new at, or gone since, REV."""

    path: str
    campaign_id: str | None
    status: Status
    comparison: Comparison | None
    old: Selection | None = attrs.field(default=None, eq=False, repr=False)
    new: Selection | None = attrs.field(default=None, eq=False, repr=False)
    # What the change policies (SEL040, SEL041, ...) found, severities as configured.
    findings: tuple[Diagnostic, ...] = ()
    # With `--contacts`: how many contacts of the data the change gains and loses.
    gained_count: int | None = None
    lost_count: int | None = None

    @property
    def same(self) -> bool:
        return self.comparison is not None and self.comparison.same


def read(path: str, shown: str | None = None, top: str | None = None) -> Selection:
    """The selection of one `.sel` or `.json` file; raises `DiffError` when it cannot be read.

    `shown` is the name diagnostics give the file (a revision's copy lives in a temporary folder,
    `top`, which counts as the top of its project for imports).
    """
    result = load_selection(path, top=top)
    stopping = [
        d
        for d in (*result.diagnostics, *result.overridden)
        if d.is_error and (d.code in READING_CODES or result.unreadable)
    ]
    if result.unreadable or result.selection is None or stopping or result.overridden:
        found = stopping or [error("SEL002", "cannot read the selection", Span.point(path))]
        raise DiffError([_renamed(d, path, shown) for d in found])
    return result.selection


def _renamed(d: Diagnostic, path: str, shown: str | None) -> Diagnostic:
    if shown is None or d.span.path != path:
        return d
    return attrs.evolve(d, span=d.span._replace(path=shown))


def diff_files(old_path: str, new_path: str) -> FileDiff:
    """OLD against NEW; raises `DiffError` when either cannot be read."""
    return _compared(new_path, read(old_path), read(new_path), None)


def _compared(path: str, old: Selection, new: Selection, old_config: Config | None) -> FileDiff:
    comparison = compare(old, new)
    change = changes.Change(old, new, comparison, old_config)
    findings = changes.run(change, path, Finder().for_file(path))
    return FileDiff(path, new.campaign_id, "compared", comparison, old, new, findings)


def diff_git(rev: str, paths: Sequence[str]) -> list[FileDiff]:
    """Each file (or every `*.sel` under each folder) against its version at `rev`.

    A file that is not at `rev` is `added`; one under a given folder that is at `rev` but not on
    disk any more is `deleted`. Raises `DiffError` for a path outside a git work tree, an unknown
    revision, or a file that cannot be read.
    """
    root = _git_root(paths)
    with _checkout(root, rev) as old_root:
        results = []
        for path in _paths_with_deleted(root, old_root, paths):
            rel = os.path.relpath(os.path.realpath(path), root)
            old_path = os.path.join(old_root, rel)
            shown = f"{rev}:{Path(rel).as_posix()}"
            if not os.path.exists(path):
                old = read(old_path, shown, old_root)
                results.append(FileDiff(path, old.campaign_id, "deleted", None, old=old))
                continue
            new = read(path)
            if not os.path.isfile(old_path):
                results.append(FileDiff(path, new.campaign_id, "added", None, new=new))
                continue
            old = read(old_path, shown, old_root)
            results.append(_compared(path, old, new, Finder().for_file(old_path)))
        return results


def _paths_with_deleted(root: str, old_root: str, paths: Sequence[str]) -> list[str]:
    out: list[str] = []
    for given in paths:
        if not os.path.isdir(given):
            if not os.path.exists(given) and not _at_rev(root, old_root, given):
                raise DiffError([error("SEL002", "no such file", Span.point(given))])
            out.append(given)
            continue
        now = [p for p in expand_paths([given]) if p.endswith(".sel")]
        rel = os.path.relpath(os.path.realpath(given), root)
        then = [
            os.path.join(given, os.path.relpath(p, os.path.join(old_root, rel)))
            for p in expand_paths([os.path.join(old_root, rel)])
            if p.endswith(".sel")
        ]
        gone = [p for p in then if not os.path.exists(p)]
        out.extend(sorted({*map(os.path.normpath, now), *map(os.path.normpath, gone)}))
    return out


def _at_rev(root: str, old_root: str, path: str) -> bool:
    return os.path.isfile(os.path.join(old_root, os.path.relpath(os.path.realpath(path), root)))


def _git(args: Sequence[str], cwd: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as exc:
        problem = error("SEL002", f"cannot run git: {exc.strerror}", Span.point(cwd))
        raise DiffError([problem]) from None
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        message = why[-1] if why else f"git {args[0]} failed"
        raise DiffError([error("SEL002", message.removeprefix("fatal: "), Span.point(cwd))])
    return done.stdout


def _git_root(paths: Sequence[str]) -> str:
    first = os.path.abspath(paths[0]) if paths else os.getcwd()
    folder = first if os.path.isdir(first) else os.path.dirname(first)
    while not os.path.isdir(folder):  # a deleted file's folder may be gone too
        folder = os.path.dirname(folder)
    top = _git(["rev-parse", "--show-toplevel"], folder).decode().strip()
    return os.path.realpath(top)


@contextmanager
def _checkout(root: str, rev: str) -> Iterator[str]:
    """The revision's `.sel`, `.json` and `.toml` files, written under a temporary folder."""
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root)
    except DiffError:
        raise DiffError([error("SEL002", f"unknown revision `{rev}`", Span.point(root))]) from None
    archive = _git(["archive", "--format=tar", rev], root)
    with tempfile.TemporaryDirectory(prefix="selang-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            kept = [m for m in tar.getmembers() if m.isfile() and m.name.endswith(_KEPT_SUFFIXES)]
            tar.extractall(tmp, members=kept, filter="data")
        yield tmp


def count_on(results: Sequence[FileDiff], source: str) -> list[FileDiff]:
    """Each compared campaign with `gained_count` and `lost_count` counted on the contact data
    in `source` (CONTRACT §6) by DuckDB: one query per direction, `new EXCEPT old`, run in the
    engine. Raises `DiffError` when the data cannot be used."""
    from selang.app.preview import open_runner
    from selang.data import DataError

    try:
        runner = open_runner("duckdb", source)
    except DataError as exc:
        raise DiffError([error("SEL002", str(exc), Span.point(source))]) from None
    try:
        return [_counted(r, runner, source) for r in results]
    except DataError as exc:
        raise DiffError([error("SEL002", str(exc), Span.point(source))]) from None
    finally:
        runner.close()


def _counted(result: FileDiff, runner: Runner, source: str) -> FileDiff:
    from sqlglot import exp

    from selang.data.checks import missing_columns
    from selang.data.preview import table_for
    from selang.targets import sql

    if result.comparison is None or result.old is None or result.new is None:
        return result
    config = Finder().for_file(result.path)
    table = table_for(runner, config.contacts, config.fields)
    columns = runner.columns()
    missing = [
        *missing_columns(result.old, columns, source),
        *missing_columns(result.new, columns, source),
    ]
    if missing:
        raise DiffError(missing)
    old = sql.select_contacts(result.old, table)
    new = sql.select_contacts(result.new, table)

    def count(only: exp.Select, other: exp.Select) -> int:
        difference = exp.except_(only.copy(), other.copy(), distinct=True)
        query = exp.select(exp.func("count", exp.Star())).from_(difference.subquery("d"))
        ((n,),) = runner.rows(sql.to_sql(query, runner.dialect, pretty=False))
        return int(n)  # type: ignore[call-overload]

    return attrs.evolve(result, gained_count=count(new, old), lost_count=count(old, new))


@attrs.frozen
class PlanVerdict:
    """What going from a campaign's live selection to the desired one does to its contacts:
    `comparison` (None when a selection cannot be read), and the change policies' findings."""

    comparison: Comparison | None
    findings: tuple[Diagnostic, ...] = ()

    def lines(self) -> list[str]:
        """What `plan` prints under a campaign it would change."""
        if self.comparison is None:
            return ["contacts: cannot compare (a selection could not be read)"]
        found = [finding_text(d) for d in self.findings]
        return [f"contacts: {verdict_text(self.comparison)}", *found]

    def to_json(self) -> dict[str, Any]:
        """`contacts`: §7's object (null when it cannot be compared); `findings`: §3's."""
        contacts = None if self.comparison is None else comparison_json(self.comparison)
        return {"contacts": contacts, "findings": [d.to_json() for d in self.findings]}


def plan_verdict(base: object, desired: object, path: str, campaign_id: str | None) -> PlanVerdict:
    """The verdict and witnesses of going from the live selection `base` to `desired` (both
    §2 objects), and the change policies' findings (a dropped exclusion list is SEL040)."""
    old, _ = read_payload(base if base else {}, path)
    new, _ = read_payload(desired, path)
    if old is None or new is None:
        return PlanVerdict(None)
    old, new = (attrs.evolve(s, campaign_id=campaign_id) for s in (old, new))
    comparison = compare(old, new)
    findings = changes.run(changes.Change(old, new, comparison), path, Finder().for_file(path))
    return PlanVerdict(comparison, tuple(findings))
