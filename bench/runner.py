"""One benchmark run: each system in turn is started, warmed up, measured and stopped."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.load import LoadResult, run_load
from bench.scenario import Builder, Scenario
from bench.signing import Signer
from bench.stats import Measurement, latency_summary_ms
from bench.systems import SYSTEMS, RunningSystem, SystemFailed

# Time allowed for a system to start when judging whether signatures could lapse mid-run.
_STARTUP_ALLOWANCE_S = 60.0


@dataclass(frozen=True, slots=True)
class Options:
    systems: Sequence[str]
    concurrency: int = 32
    duration_s: float = 5.0
    warmup_s: float = 2.0
    requests: int | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    measurements: list[Measurement]
    failures: dict[str, str]


Log = Callable[[str], None]


def _planned_seconds(scenario: Scenario, options: Options) -> float:
    """Worst case for one system; a ``--requests`` run is assumed to fit in the duration."""
    per_operation = options.warmup_s + options.duration_s
    return _STARTUP_ALLOWANCE_S + per_operation * len(scenario.operations)


async def run_benchmark(build: Builder, options: Options, log: Log) -> Outcome:
    """Measure every operation of the scenario on every system, one system at a time."""
    signer = Signer()
    scenario = build(signer)
    measurements: list[Measurement] = []
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="skybus-bench-") as tmp:
        for name in options.systems:
            if scenario.expires_within(_planned_seconds(scenario, options)):
                log("signing the scenario's requests again (signatures last 15 minutes)")
                scenario = build(signer)
            try:
                system = RunningSystem(SYSTEMS[name], Path(tmp))
            except Exception as exc:  # a system that cannot even be launched here
                failures[name] = str(exc)
                log(f"{name}: skipped: {exc}")
                continue
            try:
                waited = await system.wait_ready()
                log(f"{name}: ready on port {system.port} after {waited:.1f}s")
                await _setup(system, scenario)
                for operation in scenario.operations:
                    result = await _measure(system, operation.request, options)
                    if result.first_error is not None:
                        log(f"{name} {operation.name}: first error: {result.first_error!r}")
                    p50, p99 = latency_summary_ms(result.latencies_ns)
                    measurements.append(
                        Measurement(
                            system=name,
                            operation=operation.name,
                            requests=result.requests,
                            errors=result.errors,
                            elapsed_s=result.elapsed_s,
                            p50_ms=p50,
                            p99_ms=p99,
                        )
                    )
            except SystemFailed as exc:
                failures[name] = str(exc)
                log(f"{name}: skipped: {exc}")
            finally:
                log(f"{name}: {await system.stop()}")
    return Outcome(measurements, failures)


async def _setup(system: RunningSystem, scenario: Scenario) -> None:
    for index, request in enumerate(scenario.setup):
        result = await run_load(system.host, system.port, request, concurrency=1, requests=1)
        if result.errors:
            raise SystemFailed(f"setup request {index} failed: {result.first_error}")


async def _measure(system: RunningSystem, request: bytes, options: Options) -> LoadResult:
    """A discarded warm-up run (imports, caches and allocator pools settle), then the measured
    run on fresh connections."""
    if options.warmup_s > 0:
        await run_load(
            system.host,
            system.port,
            request,
            concurrency=options.concurrency,
            duration_s=options.warmup_s,
        )
    return await run_load(
        system.host,
        system.port,
        request,
        concurrency=options.concurrency,
        duration_s=options.duration_s,
        requests=options.requests,
    )
