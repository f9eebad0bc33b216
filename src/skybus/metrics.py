"""Request counters and latency summaries per operation, kept in memory, cheap to record."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

#: Latency histogram bucket upper bounds, in milliseconds.
BUCKETS_MS: tuple[float, ...] = (0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000)


@dataclass(slots=True)
class OperationStats:
    count: int = 0
    errors: int = 0
    total_seconds: float = 0.0
    buckets: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS_MS) + 1))

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "errors": self.errors,
            "mean_ms": round(self.total_seconds * 1000 / self.count, 3) if self.count else 0.0,
            "latency_ms_buckets": {
                **{f"le_{b:g}": n for b, n in zip(BUCKETS_MS, self.buckets, strict=False)},
                "inf": self.buckets[-1],
            },
        }


class Metrics:
    def __init__(self) -> None:
        self._ops: dict[tuple[str, str], OperationStats] = {}

    def record(self, service: str, operation: str, status: int, seconds: float) -> None:
        key = (service, operation)
        stats = self._ops.get(key)
        if stats is None:
            stats = self._ops[key] = OperationStats()
        stats.count += 1
        if status >= 400:
            stats.errors += 1
        stats.total_seconds += seconds
        stats.buckets[bisect.bisect_left(BUCKETS_MS, seconds * 1000)] += 1

    def snapshot(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for (service, op), stats in sorted(self._ops.items()):
            out.setdefault(service, {})[op] = stats.as_dict()
        return out
