"""The shared request budget: pacing at a configured rate, learning the pace from 429s, and
the same against the sandbox's own rate limit with many workers."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest

from selang import sandbox
from selang.cli.main import main
from selang.remote.apply import Desired, Engine
from selang.remote.ratelimit import RateLimiter
from selang.remote.retry import RetryPolicy
from tests.remote.conftest import SEL, make_client, write_sel


class FakeClock:
    """Time that moves only when someone sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.t = 100.0

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += max(0.0, seconds)

    def now(self) -> dt.datetime:
        return dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=self.t)


def send(limiter: RateLimiter, clock: FakeClock, n: int, latency: float = 0.0) -> list[float]:
    """`n` requests one after another, each accepted; when each one left."""
    sent = []
    for _ in range(n):
        limiter.wait()
        sent.append(clock.t)
        clock.t += latency
        limiter.accepted()
    return sent


def test_configured_rate_spaces_requests() -> None:
    """At a configured 10 requests per second, requests leave 0.1 s apart, the first at once."""
    clock = FakeClock()
    limiter = RateLimiter(clock, rate=10.0)
    sent = send(limiter, clock, 5)
    assert [round(t - sent[0], 6) for t in sent] == [0.0, 0.1, 0.2, 0.3, 0.4]


def test_no_pace_until_the_server_throttles() -> None:
    """Without a configured rate and before any 429, requests are not held back at all."""
    clock = FakeClock()
    limiter = RateLimiter(clock)
    sent = send(limiter, clock, 50)
    assert sent[-1] == sent[0] and limiter.rate is None


def test_a_429_pauses_everyone_and_teaches_the_pace() -> None:
    """After 20 accepted requests and a 429 asking for 1 s, all wait 1 s, then pace near 20/s."""
    clock = FakeClock()
    limiter = RateLimiter(clock)
    send(limiter, clock, 20, latency=0.005)
    limiter.throttled(1.0, sent_at=clock.t)
    throttled_at = clock.t
    sent = send(limiter, clock, 3)
    assert sent[0] >= throttled_at + 1.0
    assert limiter.rate == pytest.approx(20 / 1.1, rel=0.05)
    assert sent[1] - sent[0] == pytest.approx(1 / limiter.rate, rel=0.05)


def test_429_with_nothing_accepted_only_pauses() -> None:
    """A 429 before the server accepted anything says nothing about the rate: no pace is set."""
    clock = FakeClock()
    limiter = RateLimiter(clock)
    limiter.wait()
    limiter.throttled(2.0, sent_at=clock.t)
    start = clock.t
    limiter.wait()
    assert clock.t >= start + 2.0 and limiter.rate is None


def test_429s_for_requests_in_flight_do_not_teach_twice() -> None:
    """A 429 for a request sent before the last lesson pauses but leaves the learned pace alone."""
    clock = FakeClock()
    limiter = RateLimiter(clock)
    early = clock.t
    send(limiter, clock, 10, latency=0.01)
    limiter.throttled(1.0, sent_at=clock.t)
    send(limiter, clock, 1)
    learned = limiter.rate
    limiter.throttled(1.0, sent_at=early)  # an old request's answer, arriving late
    send(limiter, clock, 1)
    assert learned is not None and limiter.rate == pytest.approx(learned, rel=0.1)


def test_pace_creeps_up_but_not_past_the_configured_rate() -> None:
    """A learned pace rises while no 429 comes, and never above a configured rate."""
    clock = FakeClock()
    limiter = RateLimiter(clock, rate=20.0)
    send(limiter, clock, 10, latency=0.01)
    limiter.throttled(1.0, sent_at=clock.t)
    send(limiter, clock, 2)
    learned = limiter.rate
    assert learned is not None and learned < 20.0
    send(limiter, clock, 400)
    assert limiter.rate == 20.0


def test_idle_time_does_not_lower_the_pace() -> None:
    """A minute without requests (a prompt) before a 429 does not count as time throttled."""
    clock = FakeClock()
    limiter = RateLimiter(clock)
    send(limiter, clock, 2)
    clock.t += 60.0
    send(limiter, clock, 20, latency=0.005)
    limiter.throttled(1.0, sent_at=clock.t)
    send(limiter, clock, 1)
    assert limiter.rate is not None and limiter.rate > 15.0


def want(cid: str) -> Desired:
    return Desired(cid, copy.deepcopy(SEL), f"{cid}.sel")


def test_many_workers_follow_the_sandbox_rate_limit(tmp_path: Path) -> None:
    """Sixteen workers under a 20/s limit apply every campaign with few 429s, near the limit."""
    ids = tuple(f"c{i:02d}" for i in range(50))
    with sandbox.running(
        state_dir=tmp_path / "sb", campaigns=ids, rate_limit=20.0, latency_ms=10
    ) as sb:
        # the sandbox's own Retry-After (whole seconds) is what the pace is learned from
        with make_client(sb, RetryPolicy(), workers=16) as client:
            outcomes = Engine(client, state_dir=tmp_path).apply_all(
                [(want(cid), None) for cid in ids], jobs=16
            )
        log = sb.requests()
    assert [o.status for o in outcomes] == ["applied"] * len(ids)
    throttled = sum(1 for r in log if r.status == 429)
    accepted = sum(1 for r in log if r.status != 429)
    # the first burst of 16 finds out the limit; after that the pace keeps under it
    assert throttled <= 16 + 4
    span = _at(log[-1].at) - _at(log[0].at)
    assert accepted / span >= 20.0 * 0.75


def test_configured_rate_meets_no_429(tmp_path: Path) -> None:
    """Paced at the server's own limit from the start, many workers never get a 429."""
    ids = tuple(f"c{i:02d}" for i in range(20))
    with sandbox.running(state_dir=tmp_path / "sb", campaigns=ids, rate_limit=20.0) as sb:
        with make_client(sb, workers=8, rate_limit=20.0) as client:
            outcomes = Engine(client).apply_all([(want(cid), None) for cid in ids], jobs=8)
        assert [o.status for o in outcomes] == ["applied"] * len(ids)
        assert not [r for r in sb.requests() if r.status == 429]


def test_connections_match_the_workers(tmp_path: Path) -> None:
    """A run with four workers opens at most four connections, reused for every request."""
    ids = tuple(f"c{i:02d}" for i in range(30))
    with sandbox.running(state_dir=tmp_path / "sb", campaigns=ids) as sb:
        before = sb.connections
        with make_client(sb, workers=4) as client:
            outcomes = Engine(client).apply_all([(want(cid), None) for cid in ids], jobs=4)
        assert [o.status for o in outcomes] == ["applied"] * len(ids)
        assert len(sb.requests()) == 2 * len(ids) + 1
        assert sb.connections - before <= 4


@pytest.mark.parametrize(
    ("flag", "env"),
    [(["--rate-limit", "0"], None), (["--rate-limit", "x"], None), ([], "-1"), ([], "fast")],
)
def test_bad_rate_limit_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: list[str], env: str | None
) -> None:
    """`--rate-limit` and `SELANG_RATE_LIMIT` must be positive numbers, else exit 2."""
    path = write_sel(tmp_path, "c1")
    monkeypatch.setenv("CXONE_INSTANCE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("CXONE_CLIENT_ID", "id")
    monkeypatch.setenv("CXONE_CLIENT_SECRET", "secret")
    if env is not None:
        monkeypatch.setenv("SELANG_RATE_LIMIT", env)
    assert main(["apply", path, "--yes", "--state-dir", str(tmp_path / "st"), *flag]) == 2


def _at(text: str) -> float:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
