"""FilterLogEvents through boto3: interleaving across streams, ranges, patterns, paging."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.logs.conftest import error_of, now_ms


def put(logs: Any, group: str, stream: str, events: list[tuple[int, str]]) -> None:
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": ts, "message": message} for ts, message in events],
    )


def messages(answer: Any) -> list[str]:
    return [event["message"] for event in answer["events"]]


@pytest.fixture
def three_streams(logs: Any, group: str) -> int:
    """Streams a, b, c with interleaved timestamps; returns the base time."""
    base = now_ms() - 60_000
    for name in ("a", "b", "c"):
        logs.create_log_stream(logGroupName=group, logStreamName=name)
    put(logs, group, "a", [(base + 0, "a0 INFO start"), (base + 3, "a1 ERROR boom")])
    put(logs, group, "b", [(base + 1, "b0 WARN slow"), (base + 4, "b1 INFO done")])
    put(logs, group, "c", [(base + 2, "c0 ERROR Throttled"), (base + 5, "c1 DEBUG x")])
    return base


def test_streams_are_interleaved_by_time(logs: Any, group: str, three_streams: int) -> None:
    answer = logs.filter_log_events(logGroupName=group)
    assert messages(answer) == [
        "a0 INFO start",
        "b0 WARN slow",
        "c0 ERROR Throttled",
        "a1 ERROR boom",
        "b1 INFO done",
        "c1 DEBUG x",
    ]
    first = answer["events"][0]
    assert first["logStreamName"] == "a"
    assert first["timestamp"] == three_streams
    assert isinstance(first["ingestionTime"], int)
    assert len({event["eventId"] for event in answer["events"]}) == 6
    assert answer["searchedLogStreams"] == []
    assert "nextToken" not in answer


def test_descending_order(logs: Any, group: str, three_streams: int) -> None:
    answer = logs.filter_log_events(
        logGroupName=group, startFromHead=False, startTime=three_streams
    )
    assert messages(answer)[:2] == ["c1 DEBUG x", "b1 INFO done"]
    assert len(answer["events"]) == 6
    with pytest.raises(ClientError) as caught:
        logs.filter_log_events(logGroupName=group, startFromHead=False, startTime=1_000)
    assert error_of(caught)[:2] == (400, "InvalidParameterException")


def test_time_range_is_inclusive(logs: Any, group: str, three_streams: int) -> None:
    answer = logs.filter_log_events(
        logGroupName=group, startTime=three_streams + 1, endTime=three_streams + 3
    )
    assert messages(answer) == ["b0 WARN slow", "c0 ERROR Throttled", "a1 ERROR boom"]


def test_stream_selection(logs: Any, group: str, three_streams: int) -> None:
    chosen = logs.filter_log_events(logGroupName=group, logStreamNames=["c", "a", "missing"])
    assert [e["logStreamName"] for e in chosen["events"]] == ["a", "c", "a", "c"]
    prefixed = logs.filter_log_events(logGroupName=group, logStreamNamePrefix="b")
    assert messages(prefixed) == ["b0 WARN slow", "b1 INFO done"]
    with pytest.raises(ClientError) as caught:
        logs.filter_log_events(logGroupName=group, logStreamNames=["a"], logStreamNamePrefix="a")
    assert error_of(caught)[:2] == (400, "InvalidParameterException")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("", ["a0", "b0", "c0", "a1", "b1", "c1"]),
        ("ERROR", ["c0", "a1"]),
        ("ERROR boom", ["a1"]),
        ('"ERROR Throttled"', ["c0"]),
        ("ERROR -Throttled", ["a1"]),
        ("?WARN ?DEBUG", ["b0", "c1"]),
        ("error", []),
        ("%^[ab]1%", ["a1", "b1"]),
    ],
)
def test_filter_patterns(
    logs: Any, group: str, three_streams: int, pattern: str, expected: list[str]
) -> None:
    answer = logs.filter_log_events(logGroupName=group, filterPattern=pattern)
    assert [m.split()[0] for m in messages(answer)] == expected


def test_json_patterns(logs: Any, group: str) -> None:
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    now = now_ms()
    put(
        logs,
        group,
        "s",
        [
            (now, '{"level": "ERROR", "latency": 150, "user": {"id": 1}}'),
            (now + 1, '{"level": "INFO", "latency": 20}'),
            (now + 2, "plain text ERROR"),
        ],
    )
    answer = logs.filter_log_events(
        logGroupName=group, filterPattern='{ $.level = "ERROR" && $.latency > 100 }'
    )
    assert len(answer["events"]) == 1
    answer = logs.filter_log_events(logGroupName=group, filterPattern="{ $.user.id NOT EXISTS }")
    assert len(answer["events"]) == 1
    with pytest.raises(ClientError) as caught:
        logs.filter_log_events(logGroupName=group, filterPattern="{ $.level = }")
    assert error_of(caught)[:2] == (400, "InvalidParameterException")
    with pytest.raises(ClientError) as caught:
        logs.filter_log_events(logGroupName=group, filterPattern="[ip, user]")
    status, code, message = error_of(caught)
    assert (status, code) == (400, "InvalidParameterException")
    assert "not supported" in message


def test_paging_with_tokens_visits_every_event_once(logs: Any, group: str) -> None:
    now = now_ms()
    expected = []
    for stream in ("x", "y"):
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    # Equal timestamps across streams, several events per millisecond.
    for i in range(12):
        put(logs, group, "x", [(now + i // 3, f"x{i}")])
        put(logs, group, "y", [(now + i // 3, f"y{i}")])
    answer = logs.filter_log_events(logGroupName=group)
    expected = messages(answer)
    assert sorted(expected) == sorted([f"x{i}" for i in range(12)] + [f"y{i}" for i in range(12)])
    seen: list[str] = []
    token = None
    while True:
        kwargs: dict[str, Any] = {"logGroupName": group, "limit": 5}
        if token:
            kwargs["nextToken"] = token
        page = logs.filter_log_events(**kwargs)
        seen += messages(page)
        token = page.get("nextToken")
        if not token:
            break
    assert seen == expected
    paged = logs.get_paginator("filter_log_events").paginate(
        logGroupName=group, PaginationConfig={"PageSize": 7}
    )
    assert [e["message"] for p in paged for e in p["events"]] == expected


def test_filter_errors(logs: Any, group: str) -> None:
    with pytest.raises(ClientError) as caught:
        logs.filter_log_events(logGroupName=group, nextToken="bogus")
    assert error_of(caught) == (
        400,
        "InvalidParameterException",
        "The specified nextToken is invalid.",
    )
    with pytest.raises(ClientError) as caught:
        logs.filter_log_events(logGroupName=group, limit=10001)
    assert error_of(caught)[:2] == (400, "InvalidParameterException")
    with pytest.raises(ClientError) as caught:
        logs.filter_log_events(logGroupName="/test/none")
    assert error_of(caught) == (
        400,
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    )
