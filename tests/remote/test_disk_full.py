"""A full disk under the state folder: one `disk full` line naming the file, exit 2, and the
audit trail and key left whole, so the next run, with room again, carries on.

The disk is really full: the state folder is on a 1 MiB tmpfs that the test mounts in a user
and mount namespace of its own (`unshare --user --map-root-user --mount`, no root needed where
unprivileged user namespaces are allowed), filled up with a file, so every write the commands
make meets the kernel's own `ENOSPC`, and SQLite answers `SQLITE_FULL` as on a full disk in use.
The alternatives do not reproduce it: `RLIMIT_FSIZE` makes writes fail with `EFBIG`, which
SQLite reports as `SQLITE_IOERR_WRITE`, not as a full disk; `PRAGMA max_page_count` limits one
connection of the test's own, not the ones the commands open; `/dev/full` takes no new files,
so it stands for no state folder. The commands run as `python -m selang` in that namespace and
talk to the sandbox on 127.0.0.1 (the namespace shares the network).
"""

from __future__ import annotations

import functools
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from selang.sandbox.inprocess import Sandbox
from selang.state import audit, integrity
from tests.remote.conftest import add_campaign, count, write_sel


@functools.cache
def _namespaces() -> str | None:
    """Why a private tmpfs cannot be mounted here, or None when it can."""
    if shutil.which("unshare") is None:
        return "no `unshare` on this machine"
    probe = "mount -t tmpfs -o size=64k tmpfs /mnt 2>&1 || mount -t tmpfs tmpfs /tmp"
    run = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", probe],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if run.returncode != 0:
        return f"cannot mount a private tmpfs: {(run.stderr or run.stdout).strip()}"
    return None


needs_namespaces = pytest.mark.skipif(_namespaces() is not None, reason=str(_namespaces() or ""))


@attrs.frozen
class Step:
    rc: int
    out: str
    err: str


FILL = 'head -c 64M /dev/zero > "$DISK/fill" 2>/dev/null; true'
FREE = 'rm -f "$DISK/fill"'


def _on_small_disk(tmp_path: Path, steps: list[str]) -> list[Step]:
    """Run shell `steps` (`$SELANG` is the command line, `$DISK` the tmpfs, which holds the
    state folder) in one namespace; afterwards the disk's files are in `tmp_path / "after"`."""
    disk, out, after = tmp_path / "disk", tmp_path / "out", tmp_path / "after"
    for folder in (disk, out, after):
        folder.mkdir()
    selang = f"{shlex.quote(sys.executable)} -m selang"
    lines = [
        "set -u",
        f"DISK={shlex.quote(str(disk))}",
        f"SELANG={shlex.quote(selang)}",
        'mount -t tmpfs -o size=1m tmpfs "$DISK" || exit 99',
        'export SELANG_STATE_DIR="$DISK/state"',
    ]
    for i, step in enumerate(steps):
        where = shlex.quote(str(out / str(i)))
        lines.append(f"( {step} ) >{where}.out 2>{where}.err; echo $? >{where}.rc")
    lines.append(f'cp -a "$DISK/." {shlex.quote(str(after))}/')
    script = "\n".join(lines)
    argv = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script]
    run = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return [
        Step(
            int((out / f"{i}.rc").read_text()),
            (out / f"{i}.out").read_text(),
            (out / f"{i}.err").read_text(),
        )
        for i in range(len(steps))
    ]


def _assert_intact(state: Path, campaigns: list[str]) -> None:
    """The trail left on the disk verifies under its key, and holds `campaigns`' records."""
    found = integrity.inspect(state)
    assert found.problems == () and found.keyed and found.proven
    assert [r.campaign_id for r in audit.records(state)] == campaigns


@needs_namespaces
def test_full_disk_before_the_first_record(cli_env: Path, sb: Sandbox, tmp_path: Path) -> None:
    """With no room for the audit key or the trail, `apply` says `disk full` with the path and
    exits 2 before any PATCH; it leaves no empty key behind, so with room again the next
    apply records the change and the trail verifies."""
    add_campaign(sb, "c1")
    sel = shlex.quote(write_sel(tmp_path, "c1"))
    full, again = _on_small_disk(
        tmp_path, [f"{FILL}; $SELANG apply {sel} --yes", f"{FREE}; $SELANG apply {sel} --yes"]
    )
    assert full.rc == 2, full.err
    (line,) = full.err.splitlines()
    assert line.startswith("selang: disk full: cannot write `") and "/disk/state" in line
    assert again.rc == 0, again.err
    assert count(sb, "PATCH") == 1
    _assert_intact(tmp_path / "after" / "state", ["c1", "c1"])  # its intent and its settlement


# Fill the disk while `apply` runs: once its audit trail is open (SQLite's shared-memory file
# mapped), during the slowed read of the first campaign, so the intent that must precede its
# PATCH finds no room.
FILL_DURING = (
    "$SELANG apply {files} --yes --jobs 1 & pid=$!; n=0; "
    'while [ "$(stat -c %s "$DISK/state/selang.db-shm" 2>/dev/null || echo 0)" -lt 32768 ] '
    "&& [ $n -lt 1000 ]; do sleep 0.01; n=$((n + 1)); done; " + FILL + "; wait $pid"
)


@needs_namespaces
def test_full_disk_stops_apply_and_keeps_the_trail(
    cli_env: Path, sb: Sandbox, tmp_path: Path
) -> None:
    """On a disk already full, `apply` sends nothing; when the disk fills during a run, the
    campaign whose intent finds no room is not sent, and no later one is. Either way: one
    `disk full` line naming the database, exit 2, and the trail (records and CRM events)
    as before: `audit verify` passes on the full disk itself."""
    for cid in ("c1", "c2", "c3"):
        add_campaign(sb, cid)
    c1, c2, c3 = (shlex.quote(write_sel(tmp_path, cid)) for cid in ("c1", "c2", "c3"))
    sb.fail_next("GET", "*/c2", action="slow", delay_ms=500)
    first, full, during, verify = _on_small_disk(
        tmp_path,
        [f"$SELANG apply {c1} --yes", f"{FILL}; $SELANG apply {c2} --yes; rc=$?; {FREE}; exit $rc",
         FILL_DURING.format(files=f"{c2} {c3}"), "$SELANG audit verify"],
    )  # fmt: skip
    db = f"disk full: cannot write `{tmp_path / 'disk' / 'state' / 'selang.db'}`"
    assert first.rc == 0, first.err
    assert (full.rc, full.err) == (2, f"selang: {db}\n")
    assert during.rc == 2, during.out + during.err
    assert "Traceback" not in during.err and "rollback" not in during.err
    assert f"selang: c2: not sent: {db}" in during.err
    assert f"selang: c3: not sent: {db}" in during.err
    assert verify.rc == 0, verify.out + verify.err  # on the disk still full
    assert count(sb, "PATCH", "/c2") == 0 and count(sb, "PATCH", "/c3") == 0
    _assert_intact(tmp_path / "after" / "state", ["c1", "c1"])  # its intent and its settlement


# Fill the disk while the PATCH is on its way (slowed at the sandbox): its intent is on disk,
# its settlement finds no room.
FILL_IN_FLIGHT = (
    "$SELANG apply {files} --yes --jobs 1 & pid=$!; n=0; "
    'while [ "$(stat -c %s "$DISK/state/selang.db-shm" 2>/dev/null || echo 0)" -lt 32768 ] '
    "&& [ $n -lt 1000 ]; do sleep 0.01; n=$((n + 1)); done; sleep 0.4; " + FILL + "; wait $pid"
)


@needs_namespaces
def test_full_disk_after_a_patch_is_settled_by_the_next_run(
    cli_env: Path, sb: Sandbox, tmp_path: Path
) -> None:
    """A PATCH that lands while the disk fills is reported applied but not recorded, exit 2;
    its intent is already in the trail, so the next run, with room again, records it as
    applied without sending it again, and the trail verifies."""
    for cid in ("c1", "c2"):
        add_campaign(sb, cid)
    c1, c2 = (shlex.quote(write_sel(tmp_path, cid)) for cid in ("c1", "c2"))
    sb.fail_next("PATCH", "*/c2", action="slow", delay_ms=1500)
    first, during, again, verify = _on_small_disk(
        tmp_path,
        [f"$SELANG apply {c1} --yes", FILL_IN_FLIGHT.format(files=c2),
         f"{FREE}; $SELANG apply {c2} --yes", "$SELANG audit verify"],
    )  # fmt: skip
    db = f"disk full: cannot write `{tmp_path / 'disk' / 'state' / 'selang.db'}`"
    assert first.rc == 0, first.err
    assert during.rc == 2, during.out + during.err
    assert f"c2: applied (version 2) but not recorded in the audit trail: {db}" in during.err
    assert again.rc == 0, again.out + again.err
    assert verify.rc == 0, verify.out + verify.err
    assert count(sb, "PATCH", "/c2") == 1  # settled from its intent, never sent twice
    _assert_intact(tmp_path / "after" / "state", ["c1", "c1", "c2", "c2"])


@needs_namespaces
def test_full_disk_under_the_metrics_file_says_so(
    cli_env: Path, sb: Sandbox, tmp_path: Path
) -> None:
    """A metrics file on a full disk: `disk full` naming it, not the C library's words."""
    add_campaign(sb, "c1")
    c1 = shlex.quote(write_sel(tmp_path, "c1"))
    state = shlex.quote(str(tmp_path / "state"))
    apply = f'SELANG_STATE_DIR={state} $SELANG apply {c1} --yes --metrics-file "$DISK/m.prom"'
    (run,) = _on_small_disk(tmp_path, [f"{FILL}; {apply}"])
    metrics = tmp_path / "disk" / "m.prom"
    assert f"cannot write metrics `{metrics}`: disk full: cannot write `{metrics}`" in run.err
    assert "No space left" not in run.err and count(sb, "PATCH", "/c1") == 1
