"""Log streams through boto3: create, describe in both orders, delete."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.logs.conftest import error_of, now_ms

GROUP_ARN = "arn:aws:logs:us-east-1:000000000000:log-group:"


def test_created_stream_is_described(logs: Any, group: str) -> None:
    logs.create_log_stream(logGroupName=group, logStreamName="2026/01/01/[$LATEST]abc")
    streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
    assert len(streams) == 1
    stream = streams[0]
    assert isinstance(stream.pop("creationTime"), int)
    assert stream == {
        "logStreamName": "2026/01/01/[$LATEST]abc",
        "arn": f"{GROUP_ARN}{group}:log-stream:2026/01/01/[$LATEST]abc",
        "storedBytes": 0,
    }


def test_event_times_appear_after_a_put(logs: Any, group: str) -> None:
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    now = now_ms()
    logs.put_log_events(
        logGroupName=group,
        logStreamName="s",
        logEvents=[{"timestamp": now - 50, "message": "a"}, {"timestamp": now, "message": "b"}],
    )
    stream = logs.describe_log_streams(logGroupName=group)["logStreams"][0]
    assert stream["firstEventTimestamp"] == now - 50
    assert stream["lastEventTimestamp"] == now
    assert stream["lastIngestionTime"] >= stream["creationTime"]
    assert stream["storedBytes"] == 0  # AWS no longer reports per-stream sizes
    assert "uploadSequenceToken" not in stream


def test_duplicate_stream_and_missing_group(logs: Any, group: str) -> None:
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    with pytest.raises(ClientError) as caught:
        logs.create_log_stream(logGroupName=group, logStreamName="s")
    assert error_of(caught) == (
        400,
        "ResourceAlreadyExistsException",
        "The specified log stream already exists",
    )
    with pytest.raises(ClientError) as caught:
        logs.create_log_stream(logGroupName="/test/none", logStreamName="s")
    assert error_of(caught) == (
        400,
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    )


def test_stream_name_checked_by_the_model(logs: Any, group: str) -> None:
    with pytest.raises(ClientError) as caught:
        logs.create_log_stream(logGroupName=group, logStreamName="a:b")
    assert error_of(caught)[:2] == (400, "InvalidParameterException")


def test_delete_stream(logs: Any, group: str) -> None:
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_log_events(
        logGroupName=group, logStreamName="s", logEvents=[{"timestamp": now_ms(), "message": "x"}]
    )
    logs.delete_log_stream(logGroupName=group, logStreamName="s")
    assert logs.describe_log_streams(logGroupName=group)["logStreams"] == []
    with pytest.raises(ClientError) as caught:
        logs.delete_log_stream(logGroupName=group, logStreamName="s")
    assert error_of(caught) == (
        400,
        "ResourceNotFoundException",
        "The specified log stream does not exist.",
    )
    # Recreated under the same name, the stream starts empty.
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    assert logs.get_log_events(logGroupName=group, logStreamName="s")["events"] == []


def test_describe_by_name_prefix_descending_and_paging(logs: Any, group: str) -> None:
    names = ["b-2", "a-1", "b-1", "b-3", "c-1"]
    for name in names:
        logs.create_log_stream(logGroupName=group, logStreamName=name)
    found = logs.describe_log_streams(logGroupName=group, logStreamNamePrefix="b-")
    assert [s["logStreamName"] for s in found["logStreams"]] == ["b-1", "b-2", "b-3"]
    descending = logs.describe_log_streams(logGroupName=group, descending=True)
    assert [s["logStreamName"] for s in descending["logStreams"]] == sorted(names, reverse=True)
    first = logs.describe_log_streams(logGroupName=group, limit=2)
    assert [s["logStreamName"] for s in first["logStreams"]] == ["a-1", "b-1"]
    second = logs.describe_log_streams(logGroupName=group, limit=2, nextToken=first["nextToken"])
    assert [s["logStreamName"] for s in second["logStreams"]] == ["b-2", "b-3"]
    third = logs.describe_log_streams(logGroupName=group, limit=2, nextToken=second["nextToken"])
    assert [s["logStreamName"] for s in third["logStreams"]] == ["c-1"]
    assert "nextToken" not in third


def test_describe_by_last_event_time(logs: Any, group: str) -> None:
    now = now_ms()
    for name, offset in (("old", -3000), ("new", 0), ("middle", -1000)):
        logs.create_log_stream(logGroupName=group, logStreamName=name)
        logs.put_log_events(
            logGroupName=group,
            logStreamName=name,
            logEvents=[{"timestamp": now + offset, "message": name}],
        )
    logs.create_log_stream(logGroupName=group, logStreamName="empty")
    ordered = logs.describe_log_streams(logGroupName=group, orderBy="LastEventTime")
    assert [s["logStreamName"] for s in ordered["logStreams"]] == [
        "empty",
        "old",
        "middle",
        "new",
    ]
    newest = []
    token = None
    while True:
        kwargs: dict[str, Any] = {
            "logGroupName": group,
            "orderBy": "LastEventTime",
            "descending": True,
            "limit": 1,
        }
        if token:
            kwargs["nextToken"] = token
        page = logs.describe_log_streams(**kwargs)
        newest += [s["logStreamName"] for s in page["logStreams"]]
        token = page.get("nextToken")
        if not token:
            break
    assert newest == ["new", "middle", "old", "empty"]


def test_last_event_time_order_refuses_a_prefix(logs: Any, group: str) -> None:
    with pytest.raises(ClientError) as caught:
        logs.describe_log_streams(
            logGroupName=group, orderBy="LastEventTime", logStreamNamePrefix="a"
        )
    assert error_of(caught) == (
        400,
        "InvalidParameterException",
        "Cannot order by LastEventTime with a logStreamNamePrefix.",
    )


def test_group_by_identifier(logs: Any, group: str) -> None:
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    for identifier in (group, GROUP_ARN + group):
        found = logs.describe_log_streams(logGroupIdentifier=identifier)["logStreams"]
        assert [s["logStreamName"] for s in found] == ["s"]
    with pytest.raises(ClientError) as caught:
        logs.describe_log_streams(logGroupName=group, logGroupIdentifier=group)
    assert error_of(caught) == (
        400,
        "ValidationException",
        "LogGroup name and LogGroup ARN are mutually exclusive parameters.",
    )
    with pytest.raises(ClientError) as caught:
        logs.describe_log_streams()
    assert error_of(caught)[:2] == (400, "ValidationException")
    with pytest.raises(ClientError) as caught:
        logs.describe_log_streams(logGroupIdentifier=GROUP_ARN + group + ":*")
    assert error_of(caught)[:2] == (400, "InvalidParameterException")
    other_region = "arn:aws:logs:eu-west-1:000000000000:log-group:" + group
    with pytest.raises(ClientError) as caught:
        logs.describe_log_streams(logGroupIdentifier=other_region)
    assert error_of(caught)[:2] == (400, "ResourceNotFoundException")


def test_describe_streams_of_missing_group(logs: Any) -> None:
    with pytest.raises(ClientError) as caught:
        logs.describe_log_streams(logGroupName="/test/none")
    assert error_of(caught) == (
        400,
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    )
