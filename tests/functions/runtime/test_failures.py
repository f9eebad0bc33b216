"""Functions that time out, crash, run out of memory or answer too much: the caller gets
Lambda's error object, the worker is replaced, and the next invocation runs normally."""

from __future__ import annotations

import json
import re

import pytest

from skybus import limits
from skybus.engines.functions.runtime import FunctionRuntime
from tests.functions.runtime.conftest import Functions

COUNTER = """
import ctypes, os, time

CALLS = 0

def handler(event, context):
    global CALLS
    CALLS += 1
    action = event.get("do")
    if action == "sleep":
        time.sleep(event["seconds"])
    elif action == "exit":
        os._exit(event["code"])
    elif action == "segfault":
        ctypes.string_at(0)
    elif action == "allocate":
        hoard = bytearray(event["mb"] * 1024 * 1024)
        return len(hoard)
    elif action == "big":
        return "x" * event["bytes"]
    return {"calls": CALLS, "pid": os.getpid()}
"""


async def test_timeout_kills_the_worker_and_answers_lambdas_message(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(COUNTER, timeout_s=1)
    first = json.loads((await runtime.invoke(spec, b"{}", request_id="warm")).payload)
    result = await runtime.invoke(spec, b'{"do": "sleep", "seconds": 30}', request_id="req-slow")
    assert result.function_error == "Unhandled"
    error = json.loads(result.payload)
    assert list(error) == ["errorMessage"]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z req-slow Task timed out after 1\.\d\d seconds",
        error["errorMessage"],
    )
    assert 1000 <= result.duration_ms < 3000
    assert "Status: timeout" in result.log_tail
    assert result.log_tail.rstrip().endswith(error["errorMessage"])
    after = json.loads((await runtime.invoke(spec, b"{}", request_id="after")).payload)
    assert after["pid"] != first["pid"]
    assert after["calls"] == 1  # a fresh init after the timeout


async def test_worker_exit_is_a_runtime_exit_error(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(COUNTER)
    result = await runtime.invoke(spec, b'{"do": "exit", "code": 3}', request_id="req-exit")
    assert result.function_error == "Unhandled"
    assert json.loads(result.payload) == {
        "errorType": "Runtime.ExitError",
        "errorMessage": "RequestId: req-exit Error: Runtime exited with error: exit status 3",
    }
    assert "Status: error\tError Type: Runtime.ExitError" in result.log_tail
    after = await runtime.invoke(spec, b"{}", request_id="after-exit")
    assert json.loads(after.payload)["calls"] == 1


async def test_segfault_is_a_runtime_exit_error(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(COUNTER)
    result = await runtime.invoke(spec, b'{"do": "segfault"}', request_id="req-segv")
    error = json.loads(result.payload)
    assert error["errorType"] == "Runtime.ExitError"
    assert error["errorMessage"].endswith("Runtime exited with error: signal: segmentation fault")
    assert json.loads((await runtime.invoke(spec, b"{}", request_id="ok")).payload)["calls"] == 1


async def test_memory_size_is_enforced(runtime: FunctionRuntime, functions: Functions) -> None:
    spec = functions.spec(COUNTER, memory_mb=128, timeout_s=30)
    fits = await runtime.invoke(spec, b'{"do": "allocate", "mb": 32}', request_id="fits")
    assert json.loads(fits.payload) == 32 * 1024 * 1024
    result = await runtime.invoke(spec, b'{"do": "allocate", "mb": 200}', request_id="req-oom")
    assert result.function_error == "Unhandled"
    assert json.loads(result.payload) == {
        "errorType": "Runtime.OutOfMemory",
        "errorMessage": "RequestId: req-oom Error: Runtime exited with error: signal: killed",
    }
    assert "MemoryError" in result.log_tail
    roomier = functions.spec(COUNTER, memory_mb=512, timeout_s=30)
    big = await runtime.invoke(roomier, b'{"do": "allocate", "mb": 200}', request_id="big")
    assert json.loads(big.payload) == 200 * 1024 * 1024
    assert big.max_memory_mb >= 200
    assert json.loads((await runtime.invoke(spec, b"{}", request_id="ok")).payload)["calls"] == 1


async def test_oversized_result_is_refused(runtime: FunctionRuntime, functions: Functions) -> None:
    spec = functions.spec(COUNTER)
    size = 6 * 1024 * 1024 + 200
    result = await runtime.invoke(
        spec, json.dumps({"do": "big", "bytes": size}).encode(), request_id="req-big"
    )
    assert result.function_error == "Unhandled"
    assert json.loads(result.payload) == {
        "errorMessage": f"Response payload size ({size + 2} bytes) exceeded maximum allowed "
        "payload size (6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }
    assert json.loads((await runtime.invoke(spec, b"{}", request_id="ok")).payload)["calls"] == 1


async def test_init_past_its_limit_is_a_timeout(
    runtime: FunctionRuntime, functions: Functions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "LAMBDA_INIT_TIMEOUT_SECONDS", 0.5)
    spec = functions.spec("import time\ntime.sleep(30)\ndef handler(e, c):\n    return 1\n")
    result = await runtime.invoke(spec, b"{}", request_id="req-init")
    assert result.function_error == "Unhandled"
    message = json.loads(result.payload)["errorMessage"]
    assert message.endswith(" req-init Task timed out after 0.50 seconds")
    assert "Init Duration: 500.00 ms" in result.log_tail
    assert runtime.stats()["workers"] == 0
