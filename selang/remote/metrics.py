"""A run's numbers: the closing summary and the Prometheus text exposition of the same."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import attrs

from selang.remote.apply import Outcome


@attrs.frozen
class RunMetrics:
    applied: int
    unchanged: int
    conflicts: int
    failed: int
    retries: int
    latencies: tuple[float, ...]

    @classmethod
    def of(cls, outcomes: Sequence[Outcome], retries: int) -> RunMetrics:
        def count(status: str) -> int:
            return sum(1 for o in outcomes if o.status == status)

        return cls(
            applied=count("applied"),
            unchanged=count("unchanged"),
            conflicts=count("conflict"),
            failed=count("failed") + count("interrupted"),  # not applied, as failures are
            retries=retries,
            latencies=tuple(sorted(o.latency for o in outcomes)),
        )

    @property
    def total(self) -> int:
        return self.applied + self.unchanged + self.conflicts + self.failed

    @property
    def success_rate(self) -> float:
        return (self.applied + self.unchanged) / self.total if self.total else 1.0

    def quantile(self, q: float) -> float:
        """Nearest-rank quantile; 0 with no samples."""
        if not self.latencies:
            return 0.0
        rank = max(1, math.ceil(q * len(self.latencies)))
        return self.latencies[rank - 1]

    def summary(self) -> str:
        return (
            f"{self.applied} applied, {self.unchanged} unchanged, "
            f"{self.conflicts + self.failed} failed ({self.conflicts} conflicts), "
            f"{self.retries} retries, latency p50 {self.quantile(0.5) * 1000:.0f} ms "
            f"p95 {self.quantile(0.95) * 1000:.0f} ms, success rate {self.success_rate:.0%}"
        )

    def prometheus(self, now: float | None = None) -> str:
        ended = now if now is not None else time.time()
        lines = [
            "# HELP selang_apply_campaigns Campaigns handled in the last run, by result.",
            "# TYPE selang_apply_campaigns gauge",
        ]
        for result, value in (
            ("applied", self.applied),
            ("unchanged", self.unchanged),
            ("conflict", self.conflicts),
            ("failed", self.failed),
        ):
            lines.append(f'selang_apply_campaigns{{result="{result}"}} {value}')
        lines += [
            "# HELP selang_apply_retries Requests sent again (tokens included) in the last run.",
            "# TYPE selang_apply_retries gauge",
            f"selang_apply_retries {self.retries}",
            "# HELP selang_apply_latency_seconds Time to apply one campaign in the last run.",
            "# TYPE selang_apply_latency_seconds summary",
            f'selang_apply_latency_seconds{{quantile="0.5"}} {self.quantile(0.5):.6f}',
            f'selang_apply_latency_seconds{{quantile="0.95"}} {self.quantile(0.95):.6f}',
            f"selang_apply_latency_seconds_sum {sum(self.latencies):.6f}",
            f"selang_apply_latency_seconds_count {len(self.latencies)}",
            "# HELP selang_apply_success_ratio Share of campaigns applied or already up to date.",
            "# TYPE selang_apply_success_ratio gauge",
            f"selang_apply_success_ratio {self.success_rate:.6f}",
            "# HELP selang_apply_last_run_timestamp_seconds When the last run ended.",
            "# TYPE selang_apply_last_run_timestamp_seconds gauge",
            f"selang_apply_last_run_timestamp_seconds {ended:.3f}",
        ]
        return "\n".join(lines) + "\n"
