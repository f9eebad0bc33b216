"""Delivery on both store backends: the handshake, signed notifications, a retry, and FIFO
order, against a node on SQLite and one on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.servers import RunningServer
from tests.topics.conftest import cached_client, make_queue, receive_all, subscribe_http, unique
from tests.topics.receivers import Receiver, answers


@pytest.fixture
def endpoint(any_sns_server: RunningServer) -> Iterator[Receiver]:
    started = Receiver(skybus=any_sns_server.endpoint, script=answers(503)).start()
    yield started
    started.stop()
    assert not started.bad_signatures, started.bad_signatures


def test_http_delivery_with_a_retry(any_sns_server: RunningServer, endpoint: Receiver) -> None:
    sns = cached_client(any_sns_server, "sns")
    topic = sns.create_topic(Name=unique())["TopicArn"]
    subscribe_http(sns, topic, endpoint)
    ids = [sns.publish(TopicArn=topic, Message=f"m{i}")["MessageId"] for i in range(5)]
    got = endpoint.wait_for(6)  # one of them failed once with 503
    assert {r.json["MessageId"] for r in got if r.status == 200} == set(ids)


def test_fifo_order(any_sns_server: RunningServer) -> None:
    sns = cached_client(any_sns_server, "sns")
    sqs = cached_client(any_sns_server, "sqs")
    topic = sns.create_topic(
        Name=unique() + ".fifo",
        Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"},
    )["TopicArn"]
    url, queue_arn = make_queue(sqs, fifo=True)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    for i in range(20):
        sns.publish(TopicArn=topic, Message=str(i), MessageGroupId="g")
    got = [json.loads(m["Body"])["Message"] for m in receive_all(sqs, url, 20)]
    assert got == [str(i) for i in range(20)]


def test_stats_reach_the_store(any_sns_server: RunningServer) -> None:
    sns: Any = cached_client(any_sns_server, "sns")
    sqs = cached_client(any_sns_server, "sqs")
    topic = sns.create_topic(Name=unique())["TopicArn"]
    url, queue_arn = make_queue(sqs)
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    sns.publish(TopicArn=topic, Message="counted")
    receive_all(sqs, url, 1)
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes["SkybusDelivered"] == "1"
    assert attributes["SkybusLastDeliveredTime"].endswith("Z")
