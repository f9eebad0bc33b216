"""``skybus logs FUNCTION [--follow]`` as a user runs it: a subprocess against a running node."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from skybus.logs_cli import Follower, format_event, log_group_for, parse_since
from tests.logs.conftest import logs_client, now_ms, unique
from tests.servers import RunningServer


def cli_env(server: RunningServer | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SKYBUS_"))}
    env.update(
        AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1"
    )
    if server is not None:
        env["AWS_ENDPOINT_URL"] = server.endpoint
    return env


def skybus_logs(
    *args: str, env: dict[str, str], timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skybus", "logs", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


class Lines:
    """A running ``skybus logs --follow`` whose output lines arrive on a queue."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stdout = process.stdout
        threading.Thread(target=self._pump, args=(stdout,), daemon=True).start()

    def _pump(self, stream: Any) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def next(self, timeout: float) -> str:
        return self.lines.get(timeout=timeout)


@pytest.fixture
def follow(server: RunningServer) -> Iterator[Any]:
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> Lines:
        process = subprocess.Popen(
            [sys.executable, "-m", "skybus", "logs", "--follow", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(server),
        )
        started.append(process)
        return Lines(process)

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()


def put(server: RunningServer, group: str, stream: str, events: list[tuple[int, str]]) -> None:
    logs = logs_client(server)
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName=group)
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": ts, "message": message} for ts, message in events],
    )


def test_prints_every_stream_interleaved(server: RunningServer) -> None:
    function = unique("fn")
    group = f"/aws/lambda/{function}"
    now = now_ms()
    put(
        server, group, "2026/01/01/[$LATEST]aaa", [(now - 3, "START one\n"), (now - 1, "END one\n")]
    )
    put(server, group, "2026/01/01/[$LATEST]bbb", [(now - 2, "hello from b\n")])
    put(server, group, "2026/01/01/[$LATEST]bbb", [(now - 20 * 60 * 1000, "too old for 10m")])
    done = skybus_logs(function, "--endpoint", server.endpoint, env=cli_env())
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(" ", 2)[1:] for line in lines] == [
        ["2026/01/01/[$LATEST]aaa", "START one"],
        ["2026/01/01/[$LATEST]bbb", "hello from b"],
        ["2026/01/01/[$LATEST]aaa", "END one"],
    ]
    assert lines[0].split(" ", 1)[0].endswith("Z")
    # --since reaches further back; the endpoint may come from AWS_ENDPOINT_URL.
    longer = skybus_logs(function, "--since", "1h", env=cli_env(server))
    assert longer.returncode == 0, longer.stderr
    assert "too old for 10m" in longer.stdout.splitlines()[0]
    # A function ARN names the same log group.
    arn = f"arn:aws:lambda:us-east-1:000000000000:function:{function}"
    by_arn = skybus_logs(arn, env=cli_env(server))
    assert by_arn.stdout == done.stdout


def test_missing_function_and_bad_arguments(server: RunningServer) -> None:
    missing = skybus_logs(unique("none"), env=cli_env(server))
    assert missing.returncode == 1
    assert "no log group /aws/lambda/none-" in missing.stderr
    bad = skybus_logs("f", "--since", "yesterday", env=cli_env(server))
    assert bad.returncode == 2
    assert "--since" in bad.stderr
    unreachable = skybus_logs("f", "--endpoint", "http://127.0.0.1:9", env=cli_env())
    assert unreachable.returncode == 1
    assert "cannot read logs from http://127.0.0.1:9" in unreachable.stderr
    assert "Traceback" not in missing.stderr + bad.stderr + unreachable.stderr


def test_follow_prints_new_lines_within_a_second(server: RunningServer, follow: Any) -> None:
    function = unique("fn")
    group = f"/aws/lambda/{function}"
    put(server, group, "s1", [(now_ms(), "already there")])
    lines = follow(function)
    assert lines.next(timeout=15).endswith("s1 already there")
    time.sleep(0.5)  # the follower is polling now
    put(server, group, "s2", [(now_ms(), "new line")])
    stored = time.monotonic()
    assert lines.next(timeout=5).endswith("s2 new line")
    assert time.monotonic() - stored < 1.0
    # A line stored late, with a timestamp older than one already printed, still shows.
    put(server, group, "s3", [(now_ms() - 1500, "late line")])
    assert lines.next(timeout=5).endswith("s3 late line")
    with pytest.raises(queue.Empty):
        lines.next(timeout=0.8)  # nothing is printed twice
    lines.process.send_signal(signal.SIGINT)
    assert lines.process.wait(timeout=10) == 0
    assert lines.process.stderr is not None
    assert "Traceback" not in lines.process.stderr.read()


def test_follow_waits_for_the_group(server: RunningServer, follow: Any) -> None:
    function = unique("fn")
    lines = follow(function)
    time.sleep(1.0)
    put(server, f"/aws/lambda/{function}", "s", [(now_ms(), "first ever")])
    assert lines.next(timeout=5).endswith("s first ever")
    lines.process.send_signal(signal.SIGINT)
    assert lines.process.wait(timeout=10) == 0


# --- The pieces, without a server ---------------------------------------------------------


def test_log_group_for() -> None:
    assert log_group_for("f") == "/aws/lambda/f"
    assert log_group_for("arn:aws:lambda:us-east-1:1:function:f:live") == "/aws/lambda/f"
    assert log_group_for("/custom/group") == "/custom/group"


def test_parse_since() -> None:
    now = 1_700_000_000.0
    assert parse_since("10m", now) == (now - 600) * 1000
    assert parse_since("2h", now) == (now - 7200) * 1000
    assert parse_since("1w", now) == (now - 7 * 86400) * 1000
    assert parse_since("2023-11-14T22:13:20Z", now) == 1_700_000_000_000
    assert parse_since("2023-11-14T22:13:20", now) == 1_700_000_000_000
    with pytest.raises(ValueError, match="--since"):
        parse_since("10 minutes", now)


def test_format_event() -> None:
    event = {"timestamp": 1_700_000_000_123, "logStreamName": "s", "message": "hi\n"}
    assert format_event(event) == "2023-11-14T22:13:20.123Z s hi"


def test_follower_looks_back_by_the_delay_it_has_seen() -> None:
    answers: list[list[dict[str, Any]]] = []
    asked: list[dict[str, Any]] = []

    def fetch(**request: Any) -> dict[str, Any]:
        asked.append(request)
        return {"events": answers.pop(0) if answers else []}

    def event(eid: str, ts: int, ingested: int) -> dict[str, Any]:
        return {"eventId": eid, "timestamp": ts, "ingestionTime": ingested, "message": eid}

    follower = Follower(fetch, "/g", start_ms=1_000)
    answers.append([event("a", 4_000, 4_000), event("b", 5_000, 5_000)])
    assert [e["eventId"] for page in follower.poll() for e in page] == ["a", "b"]
    assert asked[-1]["startTime"] == 1_000
    # Stored as written: the look-back is the minimum, two seconds.
    answers.append([event("b", 5_000, 5_000), event("c", 6_000, 9_000)])
    assert [e["eventId"] for page in follower.poll() for e in page] == ["c"]
    assert asked[-1]["startTime"] == 3_000
    # "c" arrived 3 s after it was written: now the follower looks back 6 s.
    answers.append([event("d", 20_000, 20_000)])
    list(follower.poll())
    list(follower.poll())
    assert asked[-1]["startTime"] == 20_000 - 6_000
