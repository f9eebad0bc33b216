"""Warm pools: reuse, one invocation per worker, concurrency limits, rolling updates, retirement
and the node's worker cap."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any

import pytest

from skybus.engines.functions.runtime import (
    ACCOUNT_LIMIT,
    RESERVED_LIMIT,
    FunctionRuntime,
    FunctionSpec,
    Throttled,
)
from tests.functions.runtime.conftest import Functions

STATEFUL = """
import os, time

CALLS = 0
VERSION = os.environ.get("CODE_VERSION", "one")

def handler(event, context):
    global CALLS
    CALLS += 1
    time.sleep(event.get("sleep", 0))
    return {"calls": CALLS, "pid": os.getpid(), "version": VERSION}
"""


async def call(runtime: FunctionRuntime, spec: FunctionSpec, **event: Any) -> Any:
    result = await runtime.invoke(spec, json.dumps(event).encode(), request_id="r")
    assert result.function_error is None, result.payload
    return json.loads(result.payload)


async def test_second_invoke_reuses_the_warm_worker(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(STATEFUL)
    cold = await runtime.invoke(spec, b"{}", request_id="one")
    warm = await runtime.invoke(spec, b"{}", request_id="two")
    first, second = json.loads(cold.payload), json.loads(warm.payload)
    assert second["pid"] == first["pid"]
    assert second["calls"] == 2  # module-level state survives between invocations
    assert cold.init_ms is not None
    assert warm.init_ms is None
    assert "Init Duration" in cold.log_tail
    assert "Init Duration" not in warm.log_tail


async def test_simultaneous_invocations_get_separate_workers(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(STATEFUL)
    results = await asyncio.gather(*(call(runtime, spec, sleep=0.3) for _ in range(3)))
    assert len({result["pid"] for result in results}) == 3
    assert all(result["calls"] == 1 for result in results)
    stats = runtime.stats()
    assert stats["workers"] == 3
    assert stats["idle"] == 3
    assert stats["memory_kb"] > 0


async def test_reserved_concurrency_throttles_the_second_call(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(STATEFUL, reserved_concurrency=1)
    first = asyncio.ensure_future(call(runtime, spec, sleep=0.3))
    await asyncio.sleep(0)
    with pytest.raises(Throttled) as caught:
        await call(runtime, spec)
    assert caught.value.reason == RESERVED_LIMIT
    assert (await first)["calls"] == 1
    assert (await call(runtime, spec))["calls"] == 2  # free again once the first finished


async def test_zero_reserved_concurrency_disables_the_function(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(STATEFUL, reserved_concurrency=0)
    with pytest.raises(Throttled) as caught:
        await call(runtime, spec)
    assert caught.value.reason == RESERVED_LIMIT
    assert runtime.stats()["workers"] == 0


async def test_account_concurrency_throttles_unreserved_functions(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    runtime.concurrency.account_limit = 1
    spec = functions.spec(STATEFUL)
    other = functions.spec(STATEFUL)
    first = asyncio.ensure_future(call(runtime, spec, sleep=0.3))
    await asyncio.sleep(0)
    with pytest.raises(Throttled) as caught:
        await call(runtime, other)
    assert caught.value.reason == ACCOUNT_LIMIT
    await first


async def test_new_revision_rolls_workers_and_lets_old_calls_finish(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(STATEFUL, environment={"CODE_VERSION": "one"})
    old = await call(runtime, spec)
    slow = asyncio.ensure_future(call(runtime, spec, sleep=0.5))
    await asyncio.sleep(0.1)
    updated = replace(spec, environment={"CODE_VERSION": "two"}, revision="r2")
    new = await call(runtime, updated)
    assert new["version"] == "two"
    assert new["pid"] != old["pid"]
    finished = await slow
    assert finished["version"] == "one"  # the in-flight call ran to completion on old code
    assert finished["pid"] == old["pid"]
    for _ in range(100):
        if runtime.stats()["workers"] == 1:
            break
        await asyncio.sleep(0.02)
    pools = runtime.stats()["pools"]
    assert [(p["revision"], p["workers"]) for p in pools] == [("r2", 1)]


async def test_retire_drains_every_version_of_a_function(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    latest = functions.spec(STATEFUL, name="retired")
    published = replace(latest, arn=latest.arn.replace("$LATEST", "1"), version="1")
    neighbour = functions.spec(STATEFUL, name="retired2")
    for spec in (latest, published, neighbour):
        await call(runtime, spec)
    assert runtime.stats()["workers"] == 3
    await runtime.retire(latest.arn.rsplit(":", 1)[0])
    for _ in range(100):
        if runtime.stats()["workers"] == 1:
            break
        await asyncio.sleep(0.02)
    assert [p["arn"] for p in runtime.stats()["pools"]] == [neighbour.arn]


async def test_idle_workers_retire_down_to_the_warm_one(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    runtime.idle_s = 0.2
    spec = functions.spec(STATEFUL)
    await asyncio.gather(*(call(runtime, spec, sleep=0.2) for _ in range(3)))
    assert runtime.stats()["workers"] == 3
    for _ in range(100):
        if runtime.stats()["workers"] == 1:
            break
        await asyncio.sleep(0.05)
    assert runtime.stats()["workers"] == 1
    runtime.keep_warm_s = 0.2
    for _ in range(100):
        if runtime.stats()["workers"] == 0:
            break
        await asyncio.sleep(0.05)
    assert runtime.stats()["workers"] == 0
    assert (await call(runtime, spec))["calls"] == 1  # a cold start again


async def test_node_cap_retires_the_longest_idle_worker_of_another_function(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    runtime.max_workers = 2
    first, second, third = (functions.spec(STATEFUL) for _ in range(3))
    await call(runtime, first)
    await call(runtime, second)
    await call(runtime, third)  # no room: the worker of `first` (idle longest) makes way
    arns = {p["arn"] for p in runtime.stats()["pools"] if p["workers"]}
    assert arns == {second.arn, third.arn}


async def test_node_cap_throttles_when_every_worker_is_busy(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    runtime.max_workers = 1
    busy = functions.spec(STATEFUL)
    other = functions.spec(STATEFUL)
    running = asyncio.ensure_future(call(runtime, busy, sleep=0.5))
    await asyncio.sleep(0.2)
    with pytest.raises(Throttled) as caught:
        await call(runtime, other)
    assert caught.value.reason == ACCOUNT_LIMIT
    await running
