"""A function's Runtime picks its own Python when the machine has it."""

from __future__ import annotations

import json

import pytest

from skybus.engines.functions.runtime import FunctionRuntime
from skybus.engines.functions.runtime.interpreters import HOST_VERSION
from tests.functions.runtime.conftest import Functions

VERSION = """
import sys

def handler(event, context):
    return {"version": "%d.%d" % sys.version_info[:2], "executable": sys.executable}
"""


async def test_another_python_runs_with_awslambdaric_installed_for_it(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    wanted = (3, 12) if HOST_VERSION != (3, 12) else (3, 13)
    name = f"python{wanted[0]}.{wanted[1]}"
    if await runtime.interpreters._find(wanted) is None:
        pytest.skip(f"{name} is not installed on this machine")
    spec = functions.spec(VERSION, runtime=name)
    result = await runtime.invoke(spec, b"{}", request_id="req-version")
    assert result.function_error is None, result.payload
    assert json.loads(result.payload)["version"] == f"{wanted[0]}.{wanted[1]}"
    assert "Skybus" not in result.log_tail  # no fallback warning
    assert (runtime.interpreters.cache_dir / name / ".skybus-ready").is_file()


async def test_the_host_python_serves_its_own_runtime(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    name = f"python{HOST_VERSION[0]}.{HOST_VERSION[1]}"
    spec = functions.spec(VERSION, runtime=name)
    result = await runtime.invoke(spec, b"{}", request_id="req-host")
    assert json.loads(result.payload)["version"] == f"{HOST_VERSION[0]}.{HOST_VERSION[1]}"
