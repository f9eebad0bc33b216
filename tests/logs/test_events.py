"""PutLogEvents and GetLogEvents through boto3: AWS's batch rules and its paging tokens."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.logs.conftest import error_of, now_ms

DAY = 24 * 3600 * 1000
HOUR = 3600 * 1000


@pytest.fixture
def stream(logs: Any, group: str) -> str:
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    return "s"


def put(logs: Any, group: str, events: list[tuple[int, str]], stream: str = "s") -> Any:
    return logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": ts, "message": message} for ts, message in events],
    )


def messages(answer: Any) -> list[str]:
    return [event["message"] for event in answer["events"]]


def test_put_then_get(logs: Any, group: str, stream: str) -> None:
    now = now_ms()
    answer = put(logs, group, [(now, "hello"), (now, "world"), (now + 1, "🙀 - 参よ - 日本語")])
    assert answer["nextSequenceToken"].isdigit()
    assert "rejectedLogEventsInfo" not in answer
    got = logs.get_log_events(logGroupName=group, logStreamName=stream)
    assert messages(got) == ["hello", "world", "🙀 - 参よ - 日本語"]
    event = got["events"][0]
    assert event["timestamp"] == now
    assert now - 5000 <= event["ingestionTime"] <= now_ms() + 5000


def test_events_of_one_millisecond_keep_their_order(logs: Any, group: str, stream: str) -> None:
    now = now_ms()
    put(logs, group, [(now, f"line {i}") for i in range(5)])
    put(logs, group, [(now, "line 5")])
    got = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    assert messages(got) == [f"line {i}" for i in range(6)]


def test_put_to_missing_group_or_stream(logs: Any, group: str) -> None:
    for group_name, message in (
        ("/test/none", "The specified log group does not exist."),
        (group, "The specified log stream does not exist."),
    ):
        with pytest.raises(ClientError) as caught:
            put(logs, group_name, [(now_ms(), "x")], stream="none")
        assert error_of(caught) == (400, "ResourceNotFoundException", message)


def test_batch_out_of_order_is_refused_whole(logs: Any, group: str, stream: str) -> None:
    now = now_ms()
    with pytest.raises(ClientError) as caught:
        put(logs, group, [(now, "Message 0"), (now - 2 * DAY, "Message 1")])
    assert error_of(caught) == (
        400,
        "InvalidParameterException",
        "Log events in a single PutLogEvents request must be in chronological order.",
    )
    assert logs.get_log_events(logGroupName=group, logStreamName=stream)["events"] == []


def test_batch_too_large(logs: Any, group: str, stream: str) -> None:
    big = "x" * (512 * 1024)
    with pytest.raises(ClientError) as caught:
        put(logs, group, [(now_ms(), big), (now_ms(), big)])
    size = 2 * (len(big) + 26)
    assert error_of(caught) == (
        400,
        "InvalidParameterException",
        f"Upload too large: {size} bytes exceeds limit of 1048576",
    )
    # Just under the limit is fine.
    put(logs, group, [(now_ms(), "y" * (1024 * 1024 - 26))])


def test_batch_count_checked_by_the_model(logs: Any, group: str, stream: str) -> None:
    with pytest.raises(ClientError) as caught:
        put(logs, group, [(now_ms(), "x")] * 10_001)
    status, code, message = error_of(caught)
    assert (status, code) == (400, "InvalidParameterException")
    assert "at 'logEvents' failed to satisfy constraint" in message


def test_too_old_and_too_new_events_are_set_aside(logs: Any, group: str, stream: str) -> None:
    now = now_ms()
    answer = put(
        logs,
        group,
        [
            (now - 20 * DAY, "ancient"),
            (now - 15 * DAY, "old"),
            (now - 1000, "kept 1"),
            (now, "kept 2"),
            (now + 3 * HOUR, "future"),
        ],
    )
    assert answer["rejectedLogEventsInfo"] == {
        "tooOldLogEventEndIndex": 2,
        "tooNewLogEventStartIndex": 4,
    }
    got = logs.get_log_events(logGroupName=group, logStreamName=stream)
    assert messages(got) == ["kept 1", "kept 2"]


def test_events_older_than_the_retention_are_expired(logs: Any, group: str, stream: str) -> None:
    logs.put_retention_policy(logGroupName=group, retentionInDays=1)
    now = now_ms()
    answer = put(logs, group, [(now - 3 * DAY, "expired"), (now, "kept")])
    assert answer["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 1}
    assert messages(logs.get_log_events(logGroupName=group, logStreamName=stream)) == ["kept"]


def test_accepted_events_may_span_at_most_a_day(logs: Any, group: str, stream: str) -> None:
    now = now_ms()
    with pytest.raises(ClientError) as caught:
        put(logs, group, [(now - 2 * DAY, "a"), (now, "b")])
    assert error_of(caught) == (
        400,
        "InvalidParameterException",
        "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.",
    )
    # Only the accepted events count: a too-old event does not stretch the span.
    answer = put(logs, group, [(now - 20 * DAY, "a"), (now - 1, "b"), (now, "c")])
    assert answer["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}


def test_get_from_head_or_tail_with_limit(logs: Any, group: str, stream: str) -> None:
    now = now_ms()
    put(logs, group, [(now + i, f"m{i}") for i in range(20)])
    head = logs.get_log_events(
        logGroupName=group, logStreamName=stream, limit=5, startFromHead=True
    )
    assert messages(head) == [f"m{i}" for i in range(5)]
    tail = logs.get_log_events(logGroupName=group, logStreamName=stream, limit=5)
    assert messages(tail) == [f"m{i}" for i in range(15, 20)]


def test_time_range_start_inclusive_end_exclusive(logs: Any, group: str, stream: str) -> None:
    now = now_ms()
    put(logs, group, [(now + i, f"m{i}") for i in range(10)])
    got = logs.get_log_events(
        logGroupName=group, logStreamName=stream, startTime=now + 2, endTime=now + 5
    )
    assert messages(got) == ["m2", "m3", "m4"]


def test_forward_paging_ends_on_the_same_token(logs: Any, group: str, stream: str) -> None:
    now = now_ms()
    put(logs, group, [(now + i, f"m{i}") for i in range(7)])
    seen: list[str] = []
    answer = logs.get_log_events(
        logGroupName=group, logStreamName=stream, limit=3, startFromHead=True
    )
    seen += messages(answer)
    token = answer["nextForwardToken"]
    while True:
        answer = logs.get_log_events(
            logGroupName=group, logStreamName=stream, limit=3, nextToken=token, startFromHead=True
        )
        seen += messages(answer)
        if answer["nextForwardToken"] == token:
            break
        token = answer["nextForwardToken"]
    assert seen == [f"m{i}" for i in range(7)]
    assert answer["events"] == []
    # An event added later appears on the next call with the same token.
    put(logs, group, [(now + 100, "late")])
    later = logs.get_log_events(
        logGroupName=group, logStreamName=stream, nextToken=token, startFromHead=True
    )
    assert messages(later) == ["late"]
    assert later["nextForwardToken"] != token


def test_backward_paging(logs: Any, group: str, stream: str) -> None:
    now = now_ms()
    put(logs, group, [(now + i, f"m{i}") for i in range(7)])
    answer = logs.get_log_events(logGroupName=group, logStreamName=stream, limit=3)
    pages = [messages(answer)]
    token = answer["nextBackwardToken"]
    while True:
        answer = logs.get_log_events(
            logGroupName=group, logStreamName=stream, limit=3, nextToken=token
        )
        if answer["nextBackwardToken"] == token:
            assert answer["events"] == []
            break
        pages.append(messages(answer))
        token = answer["nextBackwardToken"]
    assert pages == [["m4", "m5", "m6"], ["m1", "m2", "m3"], ["m0"]]
    # Going forward again from a backward page continues right after it.
    forward = logs.get_log_events(
        logGroupName=group, logStreamName=stream, nextToken=answer["nextForwardToken"], limit=2
    )
    assert messages(forward) == ["m0", "m1"]


def test_empty_stream_tokens_still_find_new_events(logs: Any, group: str, stream: str) -> None:
    first = logs.get_log_events(logGroupName=group, logStreamName=stream)
    assert first["events"] == []
    assert first["nextForwardToken"].startswith("f/")
    assert first["nextBackwardToken"].startswith("b/")
    put(logs, group, [(now_ms(), "new")])
    again = logs.get_log_events(
        logGroupName=group,
        logStreamName=stream,
        nextToken=first["nextForwardToken"],
        startFromHead=True,
    )
    assert messages(again) == ["new"]


def test_get_errors(logs: Any, group: str, stream: str) -> None:
    with pytest.raises(ClientError) as caught:
        logs.get_log_events(logGroupName=group, logStreamName=stream, nextToken="invalid-token")
    assert error_of(caught) == (
        400,
        "InvalidParameterException",
        "The specified nextToken is invalid.",
    )
    with pytest.raises(ClientError) as caught:
        logs.get_log_events(logGroupName=group, logStreamName=stream, limit=10001)
    assert error_of(caught) == (
        400,
        "InvalidParameterException",
        "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 10000",
    )
    with pytest.raises(ClientError) as caught:
        logs.get_log_events(logGroupName=group, logStreamName="none")
    assert error_of(caught) == (
        400,
        "ResourceNotFoundException",
        "The specified log stream does not exist.",
    )
    with pytest.raises(ClientError) as caught:
        logs.get_log_events(logGroupName="/test/none", logStreamName="s")
    assert error_of(caught) == (
        400,
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    )


def test_get_by_group_arn(logs: Any, group: str, stream: str) -> None:
    put(logs, group, [(now_ms(), "x")])
    arn = f"arn:aws:logs:us-east-1:000000000000:log-group:{group}"
    got = logs.get_log_events(logGroupIdentifier=arn, logStreamName=stream)
    assert messages(got) == ["x"]


def test_pages_hold_at_most_a_megabyte(logs: Any, group: str, stream: str) -> None:
    now = now_ms()
    chunk = "z" * (300 * 1024)
    for i in range(4):
        put(logs, group, [(now + i, chunk)])
    got = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    assert len(got["events"]) == 3
    rest = logs.get_log_events(
        logGroupName=group,
        logStreamName=stream,
        startFromHead=True,
        nextToken=got["nextForwardToken"],
    )
    assert len(rest["events"]) == 1
