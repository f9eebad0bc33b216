"""The results table: one row per system and operation, with throughput ratios."""

from __future__ import annotations

import math
from collections.abc import Sequence

from bench.stats import Measurement, ratio

# The system whose speed the benchmarks exist to judge; every other system is a comparison.
SUBJECT = "skybus"

_COLUMNS = ("operation", "system", "requests", "errors", "ops/s", "p50 ms", "p99 ms")


def comparison_systems(measurements: Sequence[Measurement]) -> list[str]:
    """Systems that get a ratio column: every measured system except the subject, in order."""
    names: list[str] = []
    for m in measurements:
        if m.system != SUBJECT and m.system not in names:
            names.append(m.system)
    return names


def format_table(measurements: Sequence[Measurement]) -> str:
    """A plain-text table; column ``vs X`` is this row's ops/s divided by X's ops/s for the
    same operation (``1.00x`` on X's own row)."""
    references = comparison_systems(measurements)
    header = [*_COLUMNS, *(f"vs {name}" for name in references)]
    operations = list(dict.fromkeys(m.operation for m in measurements))
    systems = list(dict.fromkeys(m.system for m in measurements))
    ordered = sorted(
        measurements,
        key=lambda m: (operations.index(m.operation), systems.index(m.system)),
    )
    rows: list[list[str]] = []
    for m in ordered:
        row = [
            m.operation,
            m.system,
            str(m.requests),
            str(m.errors),
            f"{m.ops_per_s:,.0f}",
            _ms(m.p50_ms),
            _ms(m.p99_ms),
        ]
        for name in references:
            other = _find(measurements, name, m.operation)
            value = math.nan if other is None else ratio(m.ops_per_s, other.ops_per_s)
            row.append("-" if math.isnan(value) else f"{value:.2f}x")
        rows.append(row)
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]

    def render(cells: list[str]) -> str:
        # Text columns flush left, figures flush right.
        parts = [
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(header), rule, *(render(row) for row in rows)])


def _find(measurements: Sequence[Measurement], system: str, operation: str) -> Measurement | None:
    for m in measurements:
        if m.system == system and m.operation == operation:
            return m
    return None


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}"
