"""Function logs land in CloudWatch Logs as Lambda writes them: one stream per worker, the
platform's START / END / REPORT lines around the handler's output."""

from __future__ import annotations

import json
import re

from skybus.engines.functions.runtime import FunctionRuntime
from skybus.engines.functions.runtime.lambda_logs import report_line
from skybus.engines.logs import LogsEngine
from skybus.node import Node
from tests.functions.runtime.conftest import ACCOUNT, REGION, Functions

LOGGING = """
import logging

logger = logging.getLogger()
logger.setLevel(logging.INFO)
print("cold start")

def handler(event, context):
    print("got", event["word"])
    logger.info("counted %s", event["word"])
    return context.log_stream_name
"""

REPORT = re.compile(
    r"REPORT RequestId: (?P<id>\S+)\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\t"
    r"Memory Size: 128 MB\tMax Memory Used: \d+ MB\t(Init Duration: \d+\.\d\d ms\t)?\n"
)


async def test_invocations_are_logged_per_worker_stream(
    node: Node, runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(LOGGING)
    first = await runtime.invoke(spec, b'{"word": "apple"}', request_id="req-a")
    await runtime.invoke(spec, b'{"word": "pear"}', request_id="req-b")
    stream = json.loads(first.payload)
    await runtime.flush_logs()
    page = await node.engine(LogsEngine).get_log_events(
        ACCOUNT, REGION, f"/aws/lambda/{spec.name}", stream, from_head=True
    )
    messages = [event.message for event in page.events]
    assert messages[0] == "cold start\n"
    assert messages[1] == "START RequestId: req-a Version: $LATEST\n"
    assert messages[2] == "got apple\n"
    assert re.fullmatch(
        r"\[INFO\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\treq-a\tcounted apple\n", messages[3]
    )
    assert messages[4] == "END RequestId: req-a\n"
    cold_report = REPORT.fullmatch(messages[5])
    assert cold_report is not None
    assert cold_report.group("id") == "req-a"
    assert "Init Duration" in messages[5]
    assert messages[6:9] == [
        "START RequestId: req-b Version: $LATEST\n",
        "got pear\n",
        messages[8],
    ]
    assert "req-b\tcounted pear" in messages[8]
    assert messages[9] == "END RequestId: req-b\n"
    assert REPORT.fullmatch(messages[10])
    assert "Init Duration" not in messages[10]
    timestamps = [event.timestamp for event in page.events]
    assert timestamps == sorted(timestamps)


async def test_log_tail_is_the_invocations_own_log(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(
        """
        def handler(event, context):
            print("x" * 3000)
            print("y" * 3000)
            return 1
        """
    )
    await runtime.invoke(spec, b"{}", request_id="warm")
    result = await runtime.invoke(spec, b"{}", request_id="req-tail")
    tail = result.log_tail
    assert len(tail.encode()) == 4096
    assert tail.startswith("x")  # cut inside the first line: START is more than 4 KB back
    assert "START" not in tail
    assert "y" * 3000 + "\nEND RequestId: req-tail\nREPORT RequestId: req-tail\t" in tail
    assert tail.endswith("\t\n")


async def test_a_fallback_interpreter_is_announced_in_the_log(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(
        "def handler(event, context):\n    import sys\n    return sys.version_info[1]\n",
        runtime="python3.99",
    )
    result = await runtime.invoke(spec, b"{}", request_id="req-fallback")
    assert result.function_error is None
    assert "[WARNING] Skybus: python3.99 is not installed on this machine" in result.log_tail


def test_report_line_format() -> None:
    line = report_line(
        "abc", duration_ms=1.234, billed=2, memory_mb=128, max_used_mb=40, init_ms=100.0
    )
    assert line == (
        "REPORT RequestId: abc\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 40 MB\tInit Duration: 100.00 ms\t\n"
    )
    timed_out = report_line(
        "abc", duration_ms=3000.5, billed=3001, memory_mb=128, max_used_mb=40, init_ms=None,
        status="timeout",
    )  # fmt: skip
    assert timed_out.endswith("Max Memory Used: 40 MB\tStatus: timeout\t\n")
