"""Acknowledged log events survive a crash of the node."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.clients import client
from tests.logs.conftest import now_ms
from tests.servers import running_server, start_server


def test_put_events_survive_sigkill(tmp_path: Path) -> None:
    now = now_ms()
    with running_server(tmp_path) as first:
        logs = client(first, "logs")
        logs.create_log_group(logGroupName="/aws/lambda/durable")
        logs.create_log_stream(logGroupName="/aws/lambda/durable", logStreamName="s")
        for i in range(20):
            logs.put_log_events(
                logGroupName="/aws/lambda/durable",
                logStreamName="s",
                logEvents=[{"timestamp": now + i, "message": f"line {i}"}],
            )
        first.stop(signal.SIGKILL)
    second = start_server(tmp_path)
    try:
        logs = client(second, "logs")
        got = logs.get_log_events(
            logGroupName="/aws/lambda/durable", logStreamName="s", startFromHead=True
        )
        assert [e["message"] for e in got["events"]] == [f"line {i}" for i in range(20)]
        stream = logs.describe_log_streams(logGroupName="/aws/lambda/durable")["logStreams"][0]
        assert stream["lastEventTimestamp"] == now + 19
        # Sequence numbers carry on after the restart: a new event sorts after the old ones.
        logs.put_log_events(
            logGroupName="/aws/lambda/durable",
            logStreamName="s",
            logEvents=[{"timestamp": now + 19, "message": "after restart"}],
        )
        got = logs.get_log_events(logGroupName="/aws/lambda/durable", logStreamName="s")
        assert got["events"][-1]["message"] == "after restart"
    finally:
        second.stop()
        if second.process.stdout is not None:
            second.process.stdout.close()
