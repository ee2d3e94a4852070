"""Slices of work in forked child processes, while this process does the first slice itself.

`concurrent.futures` would do, but importing it with `multiprocessing` costs about 18 ms before
the first child can start, 7 % of checking 400 files on two cores; a fork and a pipe per child
cost well under one. Where processes cannot fork (Windows), a pool of spawned processes does
the work instead.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO, NoReturn, TypeVar

P = TypeVar("P")
R = TypeVar("R")

# ProcessPoolExecutor's limit on Windows.
MAX_SPAWNED = 61


class WorkerError(RuntimeError):
    """A child process failed in a way its own exception cannot tell."""


def map_slices(work: Callable[[P], R], parts: Sequence[P]) -> list[R]:
    """`[work(part) for part in parts]`, computed side by side: the first part here, each
    other one in a child process. An exception in any of them is raised here, and no child is
    left running or unreaped, whatever happens."""
    if not hasattr(os, "fork"):
        return _spawned(work, parts)
    children: list[_Child] = []
    try:
        for part in parts[1:]:
            children.append(_Child.start(work, part))
        results = [work(parts[0])]
        results.extend(child.result() for child in children)
        return results
    finally:
        for child in children:
            child.stop()


class _Child:
    def __init__(self, pid: int, stream: BinaryIO) -> None:
        self.pid: int | None = pid
        self.stream = stream

    @classmethod
    def start(cls, work: Callable[[Any], object], part: object) -> _Child:
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except BaseException:
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:
            _run_child(work, part, read_end, write_end)
        os.close(write_end)
        return cls(pid, os.fdopen(read_end, "rb"))

    def result(self) -> Any:
        """What the child's `work` returned, or its exception raised again."""
        data = self.stream.read()
        self.stream.close()
        status = self._reap()
        try:
            ok, value = pickle.loads(data)
        except Exception:
            message = f"a worker process {_ended(status)} before sending its results"
            raise WorkerError(message) from None
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        """Close the pipe and, unless its result was read, end the child; then reap it."""
        self.stream.close()  # a child still writing gets a broken pipe
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):  # it ended already
                os.kill(self.pid, signal.SIGTERM)
            self._reap()

    def _reap(self) -> int | None:
        pid, self.pid = self.pid, None
        if pid is None:
            return None
        try:
            return os.waitpid(pid, 0)[1]
        except ChildProcessError:  # SIGCHLD is ignored: the system reaped it already
            return None


def _run_child(
    work: Callable[[Any], object], part: object, read_end: int, write_end: int
) -> NoReturn:
    status = 0
    try:
        os.close(read_end)
        try:
            data = pickle.dumps((True, work(part)))
        except BaseException as exc:
            data = _pickled_failure(exc)
        with os.fdopen(write_end, "wb") as out:
            out.write(data)
    except BaseException:
        status = 1
    finally:
        os._exit(status)  # never back into the caller's code, its `finally` or `atexit`


def _pickled_failure(exc: BaseException) -> bytes:
    try:
        data = pickle.dumps((False, exc))
        pickle.loads(data)  # some exceptions pickle but cannot be rebuilt
        return data
    except Exception:
        import traceback

        text = "".join(traceback.format_exception(exc)).rstrip()
        return pickle.dumps((False, WorkerError(f"a worker process failed:\n{text}")))


def _ended(status: int | None) -> str:
    if status is None:
        return "ended"
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        return f"was stopped by signal {-code}"
    return f"exited with status {code}"


def _spawned(work: Callable[[P], R], parts: Sequence[P]) -> list[R]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    spawn = multiprocessing.get_context("spawn")
    workers = min(len(parts), MAX_SPAWNED)
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        return list(pool.map(work, parts))
