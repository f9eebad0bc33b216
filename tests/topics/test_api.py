"""The SNS API on both store backends: topics, attributes, tags, lists and their pages,
subscriptions of every supported protocol, and publishing in batches."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.servers import RunningServer
from tests.topics.conftest import cached_client, make_queue, unique
from tests.topics.receivers import Receiver


@pytest.fixture
def api(any_sns_server: RunningServer) -> Any:
    return cached_client(any_sns_server, "sns")


def error(call: Any, **params: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_create_topic_is_idempotent_by_name(api: Any) -> None:
    name = unique()
    arn = api.create_topic(
        Name=name, Attributes={"DisplayName": "d"}, Tags=[{"Key": "k", "Value": "v"}]
    )["TopicArn"]
    assert arn == f"arn:aws:sns:us-east-1:000000000000:{name}"
    assert api.create_topic(Name=name)["TopicArn"] == arn
    assert api.create_topic(Name=name, Attributes={"DisplayName": "d"})["TopicArn"] == arn
    assert error(api.create_topic, Name=name, Attributes={"DisplayName": "other"}) == (
        "InvalidParameter",
        "Invalid parameter: Attributes Reason: Topic already exists with different attributes",
        400,
    )
    assert error(api.create_topic, Name=name, Tags=[{"Key": "k", "Value": "w"}]) == (
        "InvalidParameter",
        "Invalid parameter: Tags Reason: Topic already exists with different tags",
        400,
    )


def test_topic_attributes_defaults_and_changes(api: Any) -> None:
    arn = api.create_topic(Name=unique())["TopicArn"]
    attributes = api.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["TopicArn"] == arn
    assert attributes["Owner"] == "000000000000"
    assert attributes["DisplayName"] == ""
    assert attributes["SubscriptionsConfirmed"] == "0"
    policy = json.loads(attributes["Policy"])
    assert policy["Id"] == "__default_policy_ID"
    assert policy["Statement"][0]["Resource"] == arn
    assert json.loads(attributes["EffectiveDeliveryPolicy"]) == {
        "http": {
            "defaultHealthyRetryPolicy": {
                "minDelayTarget": 20,
                "maxDelayTarget": 20,
                "numRetries": 3,
                "numMaxDelayRetries": 0,
                "numNoDelayRetries": 0,
                "numMinDelayRetries": 0,
                "backoffFunction": "linear",
            },
            "disableSubscriptionOverrides": False,
            "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"},
        }
    }
    delivery = {
        "http": {
            "defaultHealthyRetryPolicy": {"numRetries": 5, "minDelayTarget": 1, "maxDelayTarget": 4}
        }
    }
    api.set_topic_attributes(
        TopicArn=arn, AttributeName="DeliveryPolicy", AttributeValue=json.dumps(delivery)
    )
    api.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Chat")
    attributes = api.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["DisplayName"] == "Chat"
    assert json.loads(attributes["DeliveryPolicy"]) == delivery
    effective = json.loads(attributes["EffectiveDeliveryPolicy"])["http"][
        "defaultHealthyRetryPolicy"
    ]
    assert effective["numRetries"] == 5
    assert effective["maxDelayTarget"] == 4
    assert (
        error(
            api.set_topic_attributes, TopicArn=arn, AttributeName="FifoTopic", AttributeValue="true"
        )[1]
        == "Invalid parameter: AttributeName"
    )
    bad = {"http": {"defaultHealthyRetryPolicy": {"numRetries": 101}}}
    assert error(
        api.set_topic_attributes,
        TopicArn=arn,
        AttributeName="DeliveryPolicy",
        AttributeValue=json.dumps(bad),
    )[1] == (
        "Invalid parameter: DeliveryPolicy: http.defaultHealthyRetryPolicy.numRetries must be "
        "less than or equal to 100"
    )
    bad = {"http": {"throttlePolicy": {"maxReceivesPerSecond": 1}}}
    assert (
        error(
            api.set_topic_attributes,
            TopicArn=arn,
            AttributeName="DeliveryPolicy",
            AttributeValue=json.dumps(bad),
        )[1]
        == "Invalid parameter: DeliveryPolicy: Unexpected JSON member: throttlePolicy"
    )


def test_fifo_topic_attributes(api: Any) -> None:
    name = unique() + ".fifo"
    arn = api.create_topic(Name=name, Attributes={"FifoTopic": "true"})["TopicArn"]
    attributes = api.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["FifoTopic"] == "true"
    assert attributes["ContentBasedDeduplication"] == "false"
    assert error(api.create_topic, Name=unique(), Attributes={"FifoTopic": "true"})[1].startswith(
        "Fifo Topic names must end with .fifo"
    )
    assert error(api.create_topic, Name="bad name") == (
        "InvalidParameter",
        "Invalid parameter: Topic Name",
        400,
    )


def test_list_topics_pages_of_100(api: Any, any_sns_server: RunningServer) -> None:
    other = cached_client(any_sns_server, "sns")
    prefix = unique("page")
    for i in range(105):
        other.create_topic(Name=f"{prefix}-{i:03d}")
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        reply = api.list_topics(**({"NextToken": token} if token else {}))
        pages += 1
        assert len(reply["Topics"]) <= 100
        seen.extend(t["TopicArn"] for t in reply["Topics"])
        token = reply.get("NextToken")
        if token is None:
            break
    mine = [arn for arn in seen if f":{prefix}-" in arn]
    assert len(mine) == 105
    assert len(set(seen)) == len(seen)
    assert pages >= 2
    assert error(api.list_topics, NextToken="!!bad")[0] == "InvalidParameter"


def test_tags(api: Any) -> None:
    arn = api.create_topic(Name=unique())["TopicArn"]
    api.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    api.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert api.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    missing = arn + "-missing"
    assert error(api.list_tags_for_resource, ResourceArn=missing) == (
        "ResourceNotFound",
        "Resource does not exist",
        404,
    )
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    assert error(api.tag_resource, ResourceArn=arn, Tags=many)[0] == "TagLimitExceeded"


def test_delete_topic_removes_its_subscriptions(api: Any, any_sns_server: RunningServer) -> None:
    sqs = cached_client(any_sns_server, "sqs")
    arn = api.create_topic(Name=unique())["TopicArn"]
    _, queue_arn = make_queue(sqs)
    sub = api.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    api.delete_topic(TopicArn=arn)
    api.delete_topic(TopicArn=arn)  # idempotent
    assert error(api.get_topic_attributes, TopicArn=arn) == (
        "NotFound",
        "Topic does not exist",
        404,
    )
    assert error(api.get_subscription_attributes, SubscriptionArn=sub)[0] == "NotFound"
    listed = api.list_subscriptions()["Subscriptions"]
    assert sub not in [s["SubscriptionArn"] for s in listed]


def test_subscriptions_are_idempotent_per_endpoint(api: Any, any_sns_server: RunningServer) -> None:
    sqs = cached_client(any_sns_server, "sqs")
    arn = api.create_topic(Name=unique())["TopicArn"]
    _, queue_arn = make_queue(sqs)
    first = api.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    again = api.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    assert first == again
    assert (
        error(
            api.subscribe,
            TopicArn=arn,
            Protocol="sqs",
            Endpoint=queue_arn,
            Attributes={"RawMessageDelivery": "true"},
        )[1]
        == "Invalid parameter: Attributes Reason: Subscription already exists with different "
        "attributes"
    )
    listed = api.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    assert listed == [
        {
            "SubscriptionArn": first,
            "Owner": "000000000000",
            "Protocol": "sqs",
            "Endpoint": queue_arn,
            "TopicArn": arn,
        }
    ]
    attributes = api.get_subscription_attributes(SubscriptionArn=first)["Attributes"]
    assert attributes["PendingConfirmation"] == "false"
    assert attributes["RawMessageDelivery"] == "false"
    assert "EffectiveDeliveryPolicy" not in attributes  # only HTTP/S subscriptions have one
    api.unsubscribe(SubscriptionArn=first)
    api.unsubscribe(SubscriptionArn=first)  # idempotent
    assert api.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"] == []
    counters = api.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert counters["SubscriptionsConfirmed"] == "0"
    assert counters["SubscriptionsDeleted"] == "1"


def test_list_subscriptions_pages(api: Any, any_sns_server: RunningServer) -> None:
    arn = api.create_topic(Name=unique())["TopicArn"]
    endpoint = Receiver(skybus=any_sns_server.endpoint, confirm=False).start()
    try:
        for i in range(101):
            api.subscribe(TopicArn=arn, Protocol="http", Endpoint=endpoint.url(f"/{i}"))
        endpoint.wait_for(101, "SubscriptionConfirmation")
    finally:
        endpoint.stop()
    first = api.list_subscriptions_by_topic(TopicArn=arn)
    assert len(first["Subscriptions"]) == 100
    rest = api.list_subscriptions_by_topic(TopicArn=arn, NextToken=first["NextToken"])
    assert len(rest["Subscriptions"]) == 1
    assert "NextToken" not in rest
    endpoints = {s["Endpoint"] for s in first["Subscriptions"] + rest["Subscriptions"]}
    assert len(endpoints) == 101
    assert {s["SubscriptionArn"] for s in first["Subscriptions"]} == {"PendingConfirmation"}
    api.delete_topic(TopicArn=arn)


def test_publish_batch_reports_each_entry(api: Any) -> None:
    arn = api.create_topic(Name=unique())["TopicArn"]
    reply = api.publish_batch(
        TopicArn=arn,
        PublishBatchRequestEntries=[
            {"Id": "ok", "Message": "fine"},
            {"Id": "empty", "Message": ""},
            {
                "Id": "bad-attribute",
                "Message": "m",
                "MessageAttributes": {"x": {"DataType": "Float", "StringValue": "1"}},
            },
        ],
    )
    assert [s["Id"] for s in reply["Successful"]] == ["ok"]
    failed = {f["Id"]: f for f in reply["Failed"]}
    assert failed["empty"]["Code"] == "InvalidParameter"
    assert failed["empty"]["SenderFault"]
    assert failed["empty"]["Message"] == "Invalid parameter: Empty message"
    assert failed["bad-attribute"]["Code"] == "ParameterValueInvalid"
    entries = [{"Id": str(i), "Message": "m"} for i in range(11)]
    assert error(api.publish_batch, TopicArn=arn, PublishBatchRequestEntries=entries) == (
        "TooManyEntriesInBatchRequest",
        "The batch request contains more entries than permissible.",
        400,
    )
    twice = [{"Id": "a", "Message": "m"}, {"Id": "a", "Message": "m"}]
    assert error(api.publish_batch, TopicArn=arn, PublishBatchRequestEntries=twice)[0] == (
        "BatchEntryIdsNotDistinct"
    )
    big = [{"Id": str(i), "Message": "x" * 100_000} for i in range(3)]
    assert error(api.publish_batch, TopicArn=arn, PublishBatchRequestEntries=big)[0] == (
        "BatchRequestTooLong"
    )
