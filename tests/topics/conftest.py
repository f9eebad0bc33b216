"""Fixtures of the topic tests: Skybus nodes whose SNS delays run 100 times faster, boto3
clients for them, topics with unique names, and HTTP receivers that confirm and verify.

``SKYBUS_SNS_TIME_SCALE=0.01`` makes a 20-second retry 0.2 s and a one-minute lease 0.6 s; the
HTTP timeout stays at its floor of 2 s. One node per store backend serves every test of the
session; tests keep to their own topics.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.clients import client
from tests.conftest import drop_schema
from tests.servers import RunningServer, running_server
from tests.services import need_postgres
from tests.topics.receivers import Receiver, write_certificate

TIME_SCALE = 0.01
ENV = {"SKYBUS_SNS_TIME_SCALE": str(TIME_SCALE)}


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (and its key), which the session
    node trusts through SSL_CERT_FILE, so tests can run HTTPS endpoints."""
    folder: Path = tmp_path_factory.mktemp("tls")
    return write_certificate(folder)


@pytest.fixture(scope="session")
def sns_server(
    tmp_path_factory: pytest.TempPathFactory, tls_files: tuple[Path, Path]
) -> Iterator[RunningServer]:
    data_dir: Path = tmp_path_factory.mktemp("sns-data")
    env = {**ENV, "SSL_CERT_FILE": str(tls_files[0])}
    with running_server(data_dir, env=env) as running:
        yield running


@pytest.fixture(scope="session")
def pg_sns_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    base = need_postgres()
    schema = f"skybus_sns_{uuid.uuid4().hex[:10]}"
    data_dir: Path = tmp_path_factory.mktemp("sns-pg-data")
    try:
        with running_server(
            data_dir, args=("--store", f"{base}?schema={schema}"), env=ENV
        ) as running:
            yield running
    finally:
        asyncio.run(drop_schema(base, schema))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def any_sns_server(request: pytest.FixtureRequest) -> RunningServer:
    name = "sns_server" if request.param == "sqlite" else "pg_sns_server"
    running: RunningServer = request.getfixturevalue(name)
    return running


_CLIENTS: dict[tuple[str, str], Any] = {}


def cached_client(server: RunningServer, service: str) -> Any:
    key = (server.endpoint, service)
    if key not in _CLIENTS:
        _CLIENTS[key] = client(server, service)
    return _CLIENTS[key]


@pytest.fixture
def sns(sns_server: RunningServer) -> Any:
    return cached_client(sns_server, "sns")


@pytest.fixture
def sqs(sns_server: RunningServer) -> Any:
    return cached_client(sns_server, "sqs")


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def topic(sns: Any) -> str:
    arn: str = sns.create_topic(Name=unique())["TopicArn"]
    return arn


ReceiverFactory = Callable[..., Receiver]


@pytest.fixture
def receiver(sns_server: RunningServer) -> Iterator[ReceiverFactory]:
    """``receiver(**options) -> Receiver`` started on a free port, stopped afterwards."""
    made: list[Receiver] = []

    def make(**options: Any) -> Receiver:
        options.setdefault("skybus", sns_server.endpoint)
        started = Receiver(**options).start()
        made.append(started)
        return started

    yield make
    for each in made:
        each.stop()
        assert not each.bad_signatures, each.bad_signatures


def subscribe_http(
    sns: Any, topic_arn: str, receiver: Receiver, attributes: dict[str, str] | None = None
) -> str:
    """Subscribe a receiver and wait until it has confirmed; the subscription ARN."""
    params: dict[str, Any] = {
        "TopicArn": topic_arn,
        "Protocol": "http",
        "Endpoint": receiver.url(),
        "ReturnSubscriptionArn": True,
    }
    if attributes:
        params["Attributes"] = attributes
    arn: str = sns.subscribe(**params)["SubscriptionArn"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        got = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
        if got["PendingConfirmation"] == "false":
            return arn
        time.sleep(0.02)
    raise AssertionError(f"{arn} was not confirmed")


def make_queue(sqs: Any, *, fifo: bool = False, **attributes: str) -> tuple[str, str]:
    """A queue with a unique name: (url, arn)."""
    name = unique("q") + (".fifo" if fifo else "")
    if fifo:
        attributes.setdefault("FifoQueue", "true")
    url: str = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return url, arn


def receive_all(sqs: Any, url: str, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
    """Receive (and delete) until ``count`` messages came, or fail."""
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        reply = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        )
        for message in reply.get("Messages", []):
            got.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert len(got) >= count, f"expected {count} messages, got {len(got)}"
    return got
