"""Fixtures of the CloudWatch Logs tests: a boto3 client per session node (one per backend) and
log groups with names unique to each test, deleted afterwards."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.clients import client
from tests.servers import RunningServer

_CLIENTS: dict[str, Any] = {}

GroupFactory = Callable[..., str]


def logs_client(server: RunningServer) -> Any:
    """One client per server, reused by every test (making one costs ~50 ms)."""
    if server.endpoint not in _CLIENTS:
        _CLIENTS[server.endpoint] = client(server, "logs")
    return _CLIENTS[server.endpoint]


def unique(prefix: str = "g") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def now_ms() -> int:
    return int(time.time() * 1000)


@pytest.fixture
def logs(any_server: RunningServer) -> Any:
    return logs_client(any_server)


@pytest.fixture
def make_group(logs: Any) -> Iterator[GroupFactory]:
    """``make_group(name=None, **create_log_group_params) -> name``."""
    made: list[str] = []

    def make(name: str | None = None, **params: Any) -> str:
        name = name or f"/test/{unique()}"
        logs.create_log_group(logGroupName=name, **params)
        made.append(name)
        return name

    yield make
    for name in made:
        try:
            logs.put_log_group_deletion_protection(
                logGroupIdentifier=name, deletionProtectionEnabled=False
            )
            logs.delete_log_group(logGroupName=name)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ResourceNotFoundException":
                raise


@pytest.fixture
def group(make_group: GroupFactory) -> str:
    return make_group()


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    """(HTTP status, code, message) of a boto3 error."""
    response = caught.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )
