"""Turning raw latencies and counts into the numbers the table shows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0..100) of already sorted values, interpolating linearly
    between the two closest ranks (the same definition as numpy's default), so that the
    50th percentile of an even-sized sample is the mean of its two middle values."""
    if not sorted_values:
        return math.nan
    if not 0.0 <= p <= 100.0:
        raise ValueError(f"percentile must be within 0..100, got {p}")
    rank = (len(sorted_values) - 1) * p / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = rank - low
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * fraction


@dataclass(frozen=True, slots=True)
class Measurement:
    """One system driven with one operation for one timed run."""

    system: str
    operation: str
    requests: int
    errors: int
    elapsed_s: float
    p50_ms: float
    p99_ms: float

    @property
    def ops_per_s(self) -> float:
        """Successful responses per second of wall-clock time: errors do not count as work."""
        if self.elapsed_s <= 0:
            return 0.0
        return (self.requests - self.errors) / self.elapsed_s


def latency_summary_ms(latencies_ns: Sequence[int]) -> tuple[float, float]:
    """p50 and p99 in milliseconds from unsorted nanosecond samples."""
    ordered = sorted(latencies_ns)
    return percentile(ordered, 50) / 1e6, percentile(ordered, 99) / 1e6


def ratio(value: float, reference: float) -> float:
    """``value / reference``, NaN when the reference did no work (so no ratio is invented)."""
    if reference <= 0 or math.isnan(reference) or math.isnan(value):
        return math.nan
    return value / reference
