"""Fixtures of the SQS tests: one boto3 client per session node (one per store backend) and
queues with names unique to each test, deleted afterwards."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.clients import client
from tests.servers import RunningServer

_CLIENTS: dict[str, Any] = {}
# Long polls hold a connection for up to 20 s; the default read timeout is 60 s.
LONG_POLL_CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=30)

QueueFactory = Callable[..., str]


def sqs_client(server: RunningServer) -> Any:
    """One client per server, reused by every test (making one costs ~50 ms)."""
    if server.endpoint not in _CLIENTS:
        _CLIENTS[server.endpoint] = client(server, "sqs", config=LONG_POLL_CONFIG)
    return _CLIENTS[server.endpoint]


def unique_name(prefix: str = "q") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def error_of(call: Callable[..., Any], **params: Any) -> tuple[str, str, int, str | None]:
    """``(code, message, status, query code)`` of the ClientError a call raises. botocore puts
    the legacy query code in ``Code`` and the JSON shape name in ``QueryErrorCode``."""
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    status = caught.value.response["ResponseMetadata"]["HTTPStatusCode"]
    return error["Code"], error.get("Message", ""), status, error.get("QueryErrorCode")


@pytest.fixture
def sqs(any_server: RunningServer) -> Any:
    return sqs_client(any_server)


@pytest.fixture
def make_queue(sqs: Any) -> Iterator[QueueFactory]:
    """``make_queue(name=None, fifo=False, **attributes) -> url``."""
    made: list[str] = []

    def make(name: str | None = None, *, fifo: bool = False, **attributes: Any) -> str:
        name = name or unique_name()
        if fifo:
            name += ".fifo"
            attributes.setdefault("FifoQueue", "true")
        url: str = sqs.create_queue(
            QueueName=name, Attributes={k: str(v) for k, v in attributes.items()}
        )["QueueUrl"]
        made.append(url)
        return url

    yield make
    for url in made:
        with contextlib.suppress(ClientError):
            sqs.delete_queue(QueueUrl=url)
