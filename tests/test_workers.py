"""`selang.app.workers.map_slices`: forked children give what one process gives, and whatever goes
wrong, their failures reach the caller and none is left running or unreaped."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from selang.app import workers
from selang.app.workers import WorkerError, map_slices


def _echo(part: object) -> object:
    return part


def _big(size: int) -> str:
    return "x" * size


def _fail_in_child(message: str) -> None:
    if message != "here":
        raise ValueError(message)


class _OddError(Exception):
    """Pickles, but cannot be rebuilt from its pickle: `__init__` wants two arguments."""

    def __init__(self, a: str, b: str) -> None:
        super().__init__(f"{a}/{b}")


def _odd(part: str) -> None:
    if part != "here":
        raise _OddError("a", "b")


def _unpicklable(part: str) -> None:
    if part != "here":
        raise ValueError("with a lock", threading.Lock())


def _die(part: str) -> None:
    if part != "here":
        os.kill(os.getpid(), signal.SIGKILL)


def _slow(part: float) -> float:
    time.sleep(part)
    return part


@pytest.fixture
def pids(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pid of every child started, to check that each was reaped."""
    started: list[int] = []
    real = workers._Child.start

    def start(work, part):  # type: ignore[no-untyped-def]
        child = real(work, part)
        started.append(child.pid)
        return child

    monkeypatch.setattr(workers._Child, "start", staticmethod(start))
    return started


def _all_reaped(pids: list[int]) -> bool:
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        return False
    return True


def test_results_come_back_in_order(pids: list[int]) -> None:
    """Each part's result, in the order of the parts, including one larger than a pipe's
    buffer."""
    assert map_slices(_echo, ["a", "b", "c"]) == ["a", "b", "c"]
    assert map_slices(_big, [1, 3_000_000]) == ["x", "x" * 3_000_000]
    assert len(pids) == 3 and _all_reaped(pids)


def test_a_child_exception_is_raised_here(pids: list[int]) -> None:
    """What a child raises is raised again in the caller."""
    with pytest.raises(ValueError, match="boom"):
        map_slices(_fail_in_child, ["here", "boom"])
    assert _all_reaped(pids)


@pytest.mark.parametrize("work", [_odd, _unpicklable])
def test_an_exception_that_cannot_travel_is_told_in_words(work, pids: list[int]) -> None:
    """An exception that cannot be pickled, or not rebuilt from its pickle, arrives as a
    WorkerError holding its traceback."""
    with pytest.raises(WorkerError, match="a worker process failed"):
        map_slices(work, ["here", "there"])
    assert _all_reaped(pids)


def test_a_killed_child_is_reported_with_its_signal(pids: list[int]) -> None:
    """A child killed before it could answer is a WorkerError naming the signal."""
    with pytest.raises(WorkerError, match=f"stopped by signal {int(signal.SIGKILL)}"):
        map_slices(_die, ["here", "there"])
    assert _all_reaped(pids)


def test_a_failure_here_stops_the_children(pids: list[int]) -> None:
    """When the part done in this process raises, children still at work are stopped and
    reaped at once rather than waited for."""
    started = time.monotonic()
    with pytest.raises(ValueError, match="here too"):
        map_slices(_fail_here_after_forking, [0.0, 30.0, 30.0])
    assert time.monotonic() - started < 10
    assert len(pids) == 2 and _all_reaped(pids)


def _fail_here_after_forking(part: float) -> float:
    if part == 0.0:
        raise ValueError("here too")
    return _slow(part)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files in /proc")
def test_a_failed_fork_stops_the_children_already_started(monkeypatch, pids: list[int]) -> None:
    """If starting the third child fails, the two already started are stopped and reaped,
    and no pipe is left open."""
    real_fork, forks = os.fork, []

    def fork() -> int:
        forks.append(1)
        if len(forks) == 3:
            raise OSError("no more processes")
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    before = len(os.listdir("/proc/self/fd"))
    with pytest.raises(OSError, match="no more processes"):
        map_slices(_slow, [0.0, 30.0, 30.0, 30.0])
    assert len(pids) == 2 and _all_reaped(pids)
    assert len(os.listdir("/proc/self/fd")) == before


def test_works_when_children_are_reaped_by_the_system(pids: list[int]) -> None:
    """With SIGCHLD ignored, as some supervisors start processes, children reap themselves
    and results still arrive."""
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        assert map_slices(_echo, [1, 2, 3]) == [1, 2, 3]
        with pytest.raises(ValueError, match="boom"):
            map_slices(_fail_in_child, ["here", "boom"])
    finally:
        signal.signal(signal.SIGCHLD, previous)
    assert _all_reaped(pids)


def test_without_fork_a_spawned_pool_does_the_work(monkeypatch) -> None:
    """Where processes cannot fork, every part goes to a pool of spawned processes."""
    monkeypatch.delattr(os, "fork")
    assert map_slices(_echo, ["a", "b"]) == ["a", "b"]
