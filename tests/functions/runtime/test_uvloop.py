"""The server runs on uvloop, whose transports and child handling differ from asyncio's: the
main paths once more on that loop."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from skybus.config import Settings
from skybus.engines.functions.runtime import FunctionRuntime
from skybus.node import Node
from tests.functions.runtime.conftest import Functions

uvloop = pytest.importorskip("uvloop")


def test_invocations_on_uvloop(tmp_path: Path) -> None:
    uvloop.run(invocations(tmp_path))


async def invocations(tmp_path: Path) -> None:
    node = Node(Settings(data_dir=tmp_path / "data"))
    runtime = node.engine(FunctionRuntime)
    await node.start()
    try:
        await exercise(runtime, Functions(tmp_path / "code"))
    finally:
        await node.stop()


async def exercise(runtime: FunctionRuntime, functions: Functions) -> None:
    assert type(asyncio.get_running_loop()).__module__.startswith("uvloop")
    spec = functions.spec(
        """
        import os, time
        CALLS = 0
        def handler(event, context):
            global CALLS
            CALLS += 1
            if event.get("fail"):
                raise KeyError("missing")
            if event.get("exit"):
                os._exit(1)
            time.sleep(event.get("sleep", 0))
            return CALLS
        """,
        timeout_s=1,
    )
    assert json.loads((await runtime.invoke(spec, b"{}", request_id="a")).payload) == 1
    assert json.loads((await runtime.invoke(spec, b"{}", request_id="b")).payload) == 2
    failed = await runtime.invoke(spec, b'{"fail": true}', request_id="c")
    assert json.loads(failed.payload)["errorType"] == "KeyError"
    crashed = await runtime.invoke(spec, b'{"exit": true}', request_id="d")
    assert json.loads(crashed.payload)["errorType"] == "Runtime.ExitError"
    slow = await runtime.invoke(spec, b'{"sleep": 5}', request_id="e")
    assert "Task timed out after 1." in json.loads(slow.payload)["errorMessage"]
    assert json.loads((await runtime.invoke(spec, b"{}", request_id="f")).payload) == 1
