"""Two nodes sharing one PostgreSQL: one signing key for the deployment, subscriptions made on
one node honoured by the other, and wake-ups across nodes."""

from __future__ import annotations

import asyncio
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients import client
from tests.conftest import drop_schema
from tests.servers import RunningServer, running_server
from tests.services import need_postgres
from tests.topics.conftest import ENV, subscribe_http, unique
from tests.topics.receivers import Receiver


@pytest.fixture(scope="module")
def nodes(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[RunningServer, RunningServer]]:
    base = need_postgres()
    schema = f"skybus_sns2_{uuid.uuid4().hex[:10]}"
    store = ("--store", f"{base}?schema={schema}")
    first_dir: Path = tmp_path_factory.mktemp("node-a")
    second_dir: Path = tmp_path_factory.mktemp("node-b")
    try:
        with (
            running_server(first_dir, args=store, env=ENV) as first,
            running_server(second_dir, args=store, env=ENV) as second,
        ):
            yield first, second
    finally:
        asyncio.run(drop_schema(base, schema))


def test_nodes_share_subscriptions_and_signing_key(
    nodes: tuple[RunningServer, RunningServer],
) -> None:
    first, second = nodes
    sns_a, sns_b = client(first, "sns"), client(second, "sns")
    receiver = Receiver(skybus=first.endpoint, other_nodes=(second.endpoint,)).start()
    try:
        topic = sns_a.create_topic(Name=unique())["TopicArn"]
        arn = subscribe_http(sns_a, topic, receiver)
        started = time.monotonic()
        sns_b.publish(TopicArn=topic, Message="from b")
        got = receiver.wait_for(1)[0]
        assert time.monotonic() - started < 1.0  # woken at once, not by the poll
        assert got.json["Message"] == "from b"
        # Signed with the deployment's key, whichever node sent it; both serve its certificate.
        path = got.json["SigningCertURL"].split("/", 3)[3]
        for node in nodes:
            with urllib.request.urlopen(f"{node.endpoint}/{path}", timeout=5) as reply:
                assert reply.read().startswith(b"-----BEGIN CERTIFICATE-----")
        sns_b.unsubscribe(SubscriptionArn=arn)
        time.sleep(1.2)  # the other node's cached settings age out (or are told sooner)
        sns_a.publish(TopicArn=topic, Message="after unsubscribing")
        time.sleep(0.5)
        assert [r.json["Message"] for r in receiver.notifications()] == ["from b"]
        assert not receiver.bad_signatures
    finally:
        receiver.stop()
