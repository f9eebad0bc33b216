"""The query protocol's request side against botocore's own query serializer: every
operation of SNS, STS and the legacy SQS query model, and malformed requests."""

from __future__ import annotations

import base64

import pytest

from skybus.wire.http import Headers, HttpRequest
from tests.wire.query_support import (
    ABSENT,
    CASES,
    SEEDS,
    botocore_parse,
    botocore_request,
    form_request,
    on_the_wire_input,
    parse_error,
    protocol_for,
)
from tests.wire.shapegen import sample

# --- requests ------------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "operation"), CASES)
@pytest.mark.parametrize("get", [False, True], ids=["post", "get"])
def test_input_round_trip(service: str, operation: str, get: bool) -> None:
    protocol = protocol_for(service)
    op = protocol.service.operation_model(operation)
    for seed in SEEDS:
        for fill_all in (True, False):
            params = sample(op.input_shape, seed, fill_all=fill_all) if op.input_shape else {}
            parsed = protocol.parse(botocore_request(op, params, get=get))
            assert parsed.operation.name == operation
            expected = on_the_wire_input(op.input_shape, params) if op.input_shape else {}
            assert parsed.params == (expected if expected is not ABSENT else {}), (seed, fill_all)


def test_every_model_operation_is_covered() -> None:
    assert len([c for c in CASES if c[0] == "sns"]) >= 40
    assert len([c for c in CASES if c[0] == "sts"]) >= 8
    assert len([c for c in CASES if c[0] == "sqs-query"]) == 23


def test_sns_message_attributes_keys() -> None:
    body = (
        "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A1%3At"
        "&Message=hello+w%C3%B6rld%26more"
        "&MessageAttributes.entry.1.Name=color&MessageAttributes.entry.1.Value.DataType=String"
        "&MessageAttributes.entry.1.Value.StringValue=blue"
        "&MessageAttributes.entry.2.Name=raw&MessageAttributes.entry.2.Value.DataType=Binary"
        "&MessageAttributes.entry.2.Value.BinaryValue=" + base64.b64encode(b"\x00\xff").decode()
    )
    parsed = protocol_for("sns").parse(form_request(body))
    assert parsed.operation.name == "Publish"
    assert parsed.params == {
        "TopicArn": "arn:aws:sns:us-east-1:1:t",
        "Message": "hello wörld&more",
        "MessageAttributes": {
            "color": {"DataType": "String", "StringValue": "blue"},
            "raw": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
        },
    }


def test_sns_lists_maps_and_order() -> None:
    body = (
        "Action=CreateTopic&Name=t&Attributes.entry.1.key=DisplayName"
        "&Attributes.entry.1.value=Hi&Tags.member.2.Key=b&Tags.member.2.Value=2"
        "&Tags.member.1.Key=a&Tags.member.1.Value=1&Tags.member.10.Key=c&Tags.member.10.Value=3"
        "&Unknown.Param=ignored"
    )
    parsed = protocol_for("sns").parse(form_request(body))
    assert parsed.params == {
        "Name": "t",
        "Attributes": {"DisplayName": "Hi"},
        "Tags": [
            {"Key": "a", "Value": "1"},
            {"Key": "b", "Value": "2"},
            {"Key": "c", "Value": "3"},
        ],
    }


def test_get_with_query_string_and_body_merge() -> None:
    sns = protocol_for("sns")
    get = HttpRequest(
        "GET", "/", query="Action=Unsubscribe&SubscriptionArn=arn%3Aaws%3Asns%3Ax%3A1%3At%3Aid"
    )
    parsed = sns.parse(get)
    assert parsed.operation.name == "Unsubscribe"
    assert parsed.params == {"SubscriptionArn": "arn:aws:sns:x:1:t:id"}
    merged = sns.parse(form_request("TopicArn=arn", query="Action=DeleteTopic"))
    assert (merged.operation.name, merged.params) == ("DeleteTopic", {"TopicArn": "arn"})


def test_sts_scalars() -> None:
    body = (
        "Action=AssumeRole&RoleArn=r&RoleSessionName=s&DurationSeconds=900"
        "&PolicyArns.member.1.arn=p"
    )
    parsed = protocol_for("sts").parse(form_request(body))
    assert parsed.params == {
        "RoleArn": "r",
        "RoleSessionName": "s",
        "DurationSeconds": 900,
        "PolicyArns": [{"arn": "p"}],
    }


def test_legacy_sqs_old_member_names() -> None:
    sqs = protocol_for("sqs-query")
    body = (
        "Action=SendMessageBatch&QueueUrl=http%3A%2F%2Fq%2F1%2Fq"
        "&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=one"
        "&SendMessageBatchRequestEntry.1.DelaySeconds=5"
        "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=k"
        "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=Number"
        "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=7"
        "&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=two"
    )
    parsed = sqs.parse(form_request(body))
    assert parsed.params == {
        "QueueUrl": "http://q/1/q",
        "Entries": [
            {
                "Id": "a",
                "MessageBody": "one",
                "DelaySeconds": 5,
                "MessageAttributes": {"k": {"DataType": "Number", "StringValue": "7"}},
            },
            {"Id": "b", "MessageBody": "two"},
        ],
    }
    receive = sqs.parse(
        form_request(
            "Action=ReceiveMessage&QueueUrl=u&AttributeName.1=All&MessageAttributeName.1=x"
            "&MessageAttributeName.2=y&MaxNumberOfMessages=10&WaitTimeSeconds=0"
        )
    )
    assert receive.params == {
        "QueueUrl": "u",
        "AttributeNames": ["All"],
        "MessageAttributeNames": ["x", "y"],
        "MaxNumberOfMessages": 10,
        "WaitTimeSeconds": 0,
    }
    tagged = sqs.parse(form_request("Action=TagQueue&QueueUrl=u&Tag.1.Key=env&Tag.1.Value=prod"))
    assert tagged.params == {"QueueUrl": "u", "Tags": {"env": "prod"}}
    created = sqs.parse(
        form_request(
            "Action=CreateQueue&QueueName=q&Attribute.1.Name=DelaySeconds&Attribute.1.Value=3"
        )
    )
    assert created.params == {"QueueName": "q", "Attributes": {"DelaySeconds": "3"}}


# --- malformed requests ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", ["", "Version=2010-03-31", "Action=&TopicArn=x"], ids=["empty", "no-action", "blank"]
)
def test_missing_action(body: str) -> None:
    error = parse_error(protocol_for("sns"), form_request(body))
    assert (error.code, error.status) == ("MissingAction", None)


def test_unknown_action() -> None:
    error = parse_error(protocol_for("sns"), form_request("Action=SendMessage&QueueUrl=x"))
    assert error.code == "InvalidAction"
    assert error.message == "The action SendMessage is not valid for this endpoint."


def test_non_form_body_is_not_read() -> None:
    request = form_request("Action=ListTopics", content_type="application/json")
    assert parse_error(protocol_for("sns"), request).code == "MissingAction"


@pytest.mark.parametrize(
    ("service", "body", "param"),
    [
        (
            "sts",
            "Action=AssumeRole&RoleArn=r&RoleSessionName=s&DurationSeconds=abc",
            "DurationSeconds",
        ),
        ("sts", "Action=AssumeRole&DurationSeconds=1.5", "DurationSeconds"),
        (
            "sns",
            "Action=Subscribe&TopicArn=t&Protocol=sqs&ReturnSubscriptionArn=yes",
            "ReturnSubscriptionArn",
        ),
        (
            "sqs-query",
            "Action=ReceiveMessage&QueueUrl=u&MaxNumberOfMessages=",
            "MaxNumberOfMessages",
        ),
        (
            "sns",
            "Action=Publish&MessageAttributes.entry.1.Name=n"
            "&MessageAttributes.entry.1.Value.BinaryValue=%21%21notbase64",
            "MessageAttributes.entry.1.Value.BinaryValue",
        ),
    ],
)
def test_values_of_the_wrong_type(service: str, body: str, param: str) -> None:
    error = parse_error(protocol_for(service), form_request(body))
    assert error.code == "InvalidParameterValue"
    assert error.message is not None
    assert f"for parameter {param} is invalid" in error.message


@pytest.mark.parametrize(
    "raw",
    [
        b"Action=Publish&Message=\xff\xfe",
        b"Action=Publish&Message=%FF%FE",
        b"Action=Publish&Message=%zz",
        b"Action=Pub%4",
    ],
    ids=["raw-bytes", "percent-bytes", "bad-escape", "truncated-escape"],
)
def test_malformed_encoding(raw: bytes) -> None:
    sns = protocol_for("sns")
    request = HttpRequest(
        "POST",
        "/",
        headers=Headers([("Content-Type", "application/x-www-form-urlencoded")]),
        body=raw,
    )
    error = parse_error(sns, request)
    assert error.code == "MalformedQueryString"
    response = sns.serialize_error(error, None, "rid")
    assert response.status == 400
    parsed = botocore_parse(response, None)
    assert parsed["Error"]["Code"] == "MalformedQueryString"


def test_bad_query_string_encoding_on_get() -> None:
    error = parse_error(
        protocol_for("sns"), HttpRequest("GET", "/", query="Action=ListTopics&x=%E0%80")
    )
    assert error.code == "MalformedQueryString"
