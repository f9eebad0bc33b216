"""Shape-valid but otherwise arbitrary reads never make the logs service fail (5xx)."""

from __future__ import annotations

import contextlib
from typing import Any

from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.logs.conftest import logs_client, now_ms
from tests.servers import RunningServer

TIMES = st.one_of(st.none(), st.integers(0, 2**63 - 1), st.just(now_ms()))
TOKENS = st.one_of(
    st.none(),
    st.text(min_size=1, max_size=80),
    st.builds(lambda d, f: f"{f}/{d:056d}/s", st.integers(0, 10**56 - 1), st.sampled_from("fb")),
)
LIMITS = st.one_of(st.none(), st.integers(1, 10_000))
PATTERNS = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(["{ $.a = 1 }", "?a ?b -c", "%a+%", '"x y"', "{ $.a[2].b > 1e308 }"]),
)


def _drop_none(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    operation=st.sampled_from(["get", "filter", "streams", "groups"]),
    start=TIMES,
    end=TIMES,
    token=TOKENS,
    limit=LIMITS,
    pattern=PATTERNS,
    head=st.one_of(st.none(), st.booleans()),
)
def test_reads_never_fail(
    server: RunningServer,
    operation: str,
    start: int | None,
    end: int | None,
    token: str | None,
    limit: int | None,
    pattern: str | None,
    head: bool | None,
) -> None:
    logs = logs_client(server)
    group = "/test/fuzz"
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="s")
        logs.put_log_events(
            logGroupName=group,
            logStreamName="s",
            logEvents=[{"timestamp": now_ms(), "message": '{"a": 1}'}],
        )
    calls = {
        "get": lambda: logs.get_log_events(
            **_drop_none(
                {
                    "logGroupName": group,
                    "logStreamName": "s",
                    "startTime": start,
                    "endTime": end,
                    "nextToken": token,
                    "limit": limit,
                    "startFromHead": head,
                }
            )
        ),
        "filter": lambda: logs.filter_log_events(
            **_drop_none(
                {
                    "logGroupName": group,
                    "startTime": start,
                    "endTime": end,
                    "nextToken": token,
                    "limit": limit,
                    "filterPattern": pattern,
                    "startFromHead": head,
                }
            )
        ),
        "streams": lambda: logs.describe_log_streams(
            **_drop_none(
                {
                    "logGroupName": group,
                    "nextToken": token,
                    "limit": None if limit is None else min(limit, 50),
                    "descending": head,
                    "orderBy": "LastEventTime" if start and start % 2 else None,
                }
            )
        ),
        "groups": lambda: logs.describe_log_groups(
            **_drop_none({"nextToken": token, "limit": None if limit is None else min(limit, 50)})
        ),
    }
    answer: Any = None
    try:
        calls[operation]()
    except ClientError as exc:
        answer = exc.response
    assert answer is None or answer["ResponseMetadata"]["HTTPStatusCode"] < 500, answer
