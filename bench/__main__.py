"""Command line: ``python -m bench <scenario> [--concurrency 32] [--duration 5] ...``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

from bench.report import format_table
from bench.runner import Options, Outcome, run_benchmark
from bench.scenario import builder, scenario_names
from bench.systems import DEFAULT_SYSTEMS, SYSTEMS

T = TypeVar("T")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Drive Skybus and comparison systems with identical pre-signed requests.",
    )
    parser.add_argument("scenario", choices=scenario_names())
    parser.add_argument("--concurrency", type=int, default=32, help="connections (default 32)")
    parser.add_argument(
        "--duration", type=float, default=5.0, help="measured seconds per operation (default 5)"
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=None,
        help="measure exactly N requests per operation instead of a duration",
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="unmeasured seconds per operation (default 2)"
    )
    parser.add_argument(
        "--only",
        default=",".join(DEFAULT_SYSTEMS),
        help=f"comma-separated systems from {', '.join(SYSTEMS)} "
        f"(default {','.join(DEFAULT_SYSTEMS)})",
    )
    args = parser.parse_args(argv)
    systems = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in systems if name not in SYSTEMS]
    if unknown or not systems:
        parser.error(f"unknown system(s) {unknown}; choose from {', '.join(SYSTEMS)}")
    if args.concurrency < 1:
        parser.error("--concurrency must be at least 1")
    if args.requests is not None and args.requests < 1:
        parser.error("--requests must be at least 1")
    args.systems = systems
    return args


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run on uvloop when installed: the client's own cost is part of what is measured."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    result: T = uvloop.run(coro)
    return result


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    options = Options(
        systems=args.systems,
        concurrency=args.concurrency,
        duration_s=args.duration,
        warmup_s=args.warmup,
        requests=args.requests,
    )
    mode = f"{args.requests} requests" if args.requests else f"{args.duration:g}s"
    _log(
        f"scenario {args.scenario}: {mode} per operation after {args.warmup:g}s warm-up, "
        f"{args.concurrency} connections, systems {','.join(args.systems)}"
    )
    outcome: Outcome = _run(run_benchmark(builder(args.scenario), options, _log))
    if outcome.measurements:
        print(format_table(outcome.measurements))
    for name in outcome.failures:
        print(f"{name}: not measured (see above)")
    failed = [m for m in outcome.measurements if m.errors]
    for m in failed:
        print(f"{m.system} {m.operation}: {m.errors} of {m.requests} requests failed")
    return 0 if outcome.measurements and not outcome.failures and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
