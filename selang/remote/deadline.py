"""Time bounds that hold against any server: one on each whole exchange, one on the run.

`requests` times out only between bytes, so a server that trickles one byte a second, or one
that accepts and never answers a body it is still reading, can hold a call for ever. `within`
runs the exchange on a daemon thread and stops waiting at its deadline; the abandoned exchange
ends with its connection (the thread cannot keep the process alive). `RunBudget` is the
`--timeout` of a whole command: every exchange and every wait is cut to what is left of it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import requests

from selang.remote.errors import GaveUp

T = TypeVar("T")


class ExchangeTimeout(requests.exceptions.Timeout):
    """No complete answer within the exchange's deadline (a transport failure, like others)."""


class OutOfTime(GaveUp):
    """The run's time budget is used up: the whole command stops."""

    ends_run = True


def within(seconds: float, call: Callable[[], T]) -> T:
    """`call()`'s result, or `ExchangeTimeout` when it has none after `seconds`."""
    box: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            box.append(call())
        except BaseException as exc:  # handed to the waiting thread, raised there
            failure.append(exc)

    worker = threading.Thread(target=run, name="selang-exchange", daemon=True)
    worker.start()
    worker.join(max(0.0, seconds))
    if worker.is_alive():
        raise ExchangeTimeout(f"no complete answer within {seconds:g} s")
    if failure:
        raise failure[0]
    return box[0]


class RunBudget:
    """What is left of a command's `--timeout` (None: unbounded)."""

    def __init__(self, seconds: float | None, monotonic: Callable[[], float]) -> None:
        self.seconds = seconds
        self._monotonic = monotonic
        self._ends = None if seconds is None else monotonic() + seconds

    def remaining(self) -> float | None:
        return None if self._ends is None else max(0.0, self._ends - self._monotonic())

    def cap(self, seconds: float, what: str) -> float:
        """`seconds`, cut to what is left; `OutOfTime` when nothing is."""
        left = self.remaining()
        if left is None:
            return seconds
        if left <= 0:
            raise OutOfTime(
                f"stopped {what}: the run's time budget of {self.seconds:g} s "
                "(`--timeout`) is used up"
            )
        return min(seconds, left)
