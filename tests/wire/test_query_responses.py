"""The query protocol's answers and errors, read back by botocore's own query parser."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.model import Shape

from skybus.wire.errors import ServiceError
from skybus.wire.http import Headers, HttpRequest, HttpResponse
from skybus.wire.query import scalar
from tests.wire.query_support import (
    CASES,
    SEEDS,
    botocore_parse,
    on_the_wire_output,
    protocol_for,
)
from tests.wire.shapegen import sample

# --- responses ------------------------------------------------------------------------------


@pytest.mark.parametrize(("service", "operation"), CASES)
def test_output_round_trip(service: str, operation: str) -> None:
    protocol = protocol_for(service)
    op = protocol.service.operation_model(operation)
    for seed in SEEDS:
        result = sample(op.output_shape, seed) if op.output_shape is not None else {}
        response = protocol.serialize(op, result, f"req-{seed}")
        assert response.status == 200
        assert response.header("Content-Type") == "text/xml"
        assert response.header("x-amzn-RequestId") == f"req-{seed}"
        root = ET.fromstring(response.body)
        assert root.tag == f"{{{protocol.namespace}}}{operation}Response"
        parsed = botocore_parse(response, op.output_shape)
        assert parsed.pop("ResponseMetadata")["RequestId"] == f"req-{seed}"
        expected = on_the_wire_output(op.output_shape, result) if op.output_shape else {}
        assert parsed == expected, seed


def test_operation_without_output_sends_only_metadata() -> None:
    sns = protocol_for("sns")
    response = sns.serialize(sns.service.operation_model("DeleteTopic"), {}, "abc")
    assert response.body == (
        b'<DeleteTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
        b"<ResponseMetadata><RequestId>abc</RequestId></ResponseMetadata></DeleteTopicResponse>"
    )


def test_output_escaping_and_types() -> None:
    sns = protocol_for("sns")
    op = sns.service.operation_model("GetTopicAttributes")
    tricky = "a<b>&\"c'\r\nd ünï"
    response = sns.serialize(op, {"Attributes": {"Policy": tricky, "k&<": "v"}}, "r<1>")
    assert b"<entry><key>Policy</key>" in response.body
    parsed = botocore_parse(response, op.output_shape)
    assert parsed["Attributes"] == {"Policy": tricky, "k&<": "v"}
    assert parsed["ResponseMetadata"]["RequestId"] == "r<1>"


def test_sts_timestamps_and_nesting() -> None:
    sts = protocol_for("sts")
    op = sts.service.operation_model("AssumeRole")
    expiry = dt.datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=dt.UTC)
    result = {
        "Credentials": {
            "AccessKeyId": "AK",
            "SecretAccessKey": "SK",
            "SessionToken": "T",
            "Expiration": expiry,
        },
        "PackedPolicySize": 3,
    }
    response = sts.serialize(op, result, "r")
    assert b"<Expiration>2030-01-02T03:04:05.678Z</Expiration>" in response.body
    assert b"<AssumeRoleResult><Credentials>" in response.body
    parsed = botocore_parse(response, op.output_shape)
    assert parsed["Credentials"]["Expiration"] == expiry
    assert parsed["PackedPolicySize"] == 3


def test_legacy_sqs_receive_message_shape() -> None:
    sqs = protocol_for("sqs-query")
    op = sqs.service.operation_model("ReceiveMessage")
    message = {
        "MessageId": "m1",
        "ReceiptHandle": "rh",
        "Body": "hi",
        "Attributes": {"SenderId": "123", "ApproximateReceiveCount": "1"},
        "MessageAttributes": {"k": {"DataType": "Binary", "BinaryValue": b"\x01\x02"}},
    }
    response = sqs.serialize(op, {"Messages": [message, {"MessageId": "m2"}]}, "r")
    body = response.body.decode()
    assert "<ReceiveMessageResult><Message>" in body
    assert "<MessageId>m1</MessageId>" in body
    assert "<Attribute><Name>SenderId</Name><Value>123</Value></Attribute>" in body
    assert "<MessageAttribute><Name>k</Name><Value><BinaryValue>AQI=</BinaryValue>" in body
    parsed = botocore_parse(response, op.output_shape)
    assert parsed["Messages"] == [message, {"MessageId": "m2"}]
    urls = sqs.serialize(sqs.service.operation_model("ListQueues"), {"QueueUrls": ["a", "b"]}, "r")
    assert b"<ListQueuesResult><QueueUrl>a</QueueUrl><QueueUrl>b</QueueUrl>" in urls.body


# --- errors ---------------------------------------------------------------------------------


def _error_fields(response: HttpResponse) -> dict[str, Any]:
    parsed = botocore_parse(response, None)
    error: dict[str, Any] = parsed["Error"]
    assert parsed["ResponseMetadata"]["RequestId"] == "rid"
    return error


def test_sns_modeled_error_uses_shape_code_and_status() -> None:
    sns = protocol_for("sns")
    op = sns.service.operation_model("Publish")
    response = sns.serialize_error(
        ServiceError("NotFoundException", "Topic does not exist"), op, "rid"
    )
    assert response.status == 404
    assert response.header("x-amzn-RequestId") == "rid"
    assert _error_fields(response) == {
        "Type": "Sender",
        "Code": "NotFound",
        "Message": "Topic does not exist",
    }
    by_wire_code = sns.serialize_error(ServiceError("NotFound", "x"), op, "rid")
    assert by_wire_code.status == 404


def test_legacy_sqs_error_code() -> None:
    sqs = protocol_for("sqs-query")
    response = sqs.serialize_error(
        ServiceError("QueueDoesNotExist", "The specified queue does not exist."), None, "rid"
    )
    assert response.status == 400
    error = _error_fields(response)
    assert error["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert error["Type"] == "Sender"
    assert b'xmlns="http://queue.amazonaws.com/doc/2012-11-05/"' in response.body


def test_unmodeled_errors_default_status_and_fault() -> None:
    sts = protocol_for("sts")
    sender = sts.serialize_error(ServiceError("ValidationError", "bad <input>"), None, "rid")
    assert sender.status == 400
    assert _error_fields(sender) == {
        "Type": "Sender",
        "Code": "ValidationError",
        "Message": "bad <input>",
    }
    receiver = sts.serialize_error(ServiceError("Boom", "m", sender_fault=False), None, "rid")
    assert receiver.status == 500
    assert _error_fields(receiver)["Type"] == "Receiver"
    throttled = sts.serialize_error(ServiceError("Throttling", "slow", status=429), None, "rid")
    assert throttled.status == 429
    assert _error_fields(throttled)["Type"] == "Sender"


def test_error_fields_and_headers_are_sent() -> None:
    sns = protocol_for("sns")
    error = ServiceError(
        "InvalidParameter",
        "Invalid parameter: Topic",
        fields={"Detail": "a&b"},
        headers={"Retry-After": "5"},
    )
    response = sns.serialize_error(error, None, "rid")
    assert response.status == 400
    assert response.header("Retry-After") == "5"
    assert _error_fields(response)["Detail"] == "a&b"


@pytest.mark.parametrize("service", ["sns", "sts", "sqs-query"])
def test_every_modeled_error_parses_in_botocore(service: str) -> None:
    protocol = protocol_for(service)
    assert protocol.service.error_shapes
    for shape in protocol.service.error_shapes:
        spec = shape.metadata.get("error", {})
        response = protocol.serialize_error(ServiceError(shape.name, "why"), None, "rid")
        assert response.status == spec.get("httpStatusCode", 400), shape.name
        generic = botocore_parse(response, None)["Error"]
        assert generic["Code"] == spec.get("code", shape.name)
        assert generic["Message"] == "why"
        sender = spec.get("senderFault", spec.get("httpStatusCode", 400) < 500)
        assert generic["Type"] == ("Sender" if sender else "Receiver"), shape.name
        # The modeled parse (what boto3 merges into the exception) reads the same document; a
        # lower-case ``message`` member is not the ``<Message>`` element, boto3 reads that one
        # from ``Error.Message``.
        modeled = {"Message": "why"} if "Message" in shape.members else {}
        assert botocore_parse(response, shape) == modeled, shape.name


def test_scalar_conversions() -> None:
    def shape(kind: str) -> Shape:
        return Shape("S", {"type": kind})

    when = dt.datetime(2024, 5, 6, 7, 8, 9, 500000, tzinfo=dt.UTC)
    assert scalar(shape("timestamp"), "2024-05-06T07:08:09.5Z", "T") == when
    assert scalar(shape("timestamp"), "2024-05-06T07:08:09.500+00:00", "T") == when
    assert scalar(shape("timestamp"), "1714979289.5", "T") == when
    assert scalar(shape("double"), "-1.25e3", "D") == -1250.0
    assert scalar(shape("long"), "-42", "L") == -42
    assert scalar(shape("boolean"), "TRUE", "B") is True
    assert scalar(shape("blob"), "AAE=", "X") == b"\x00\x01"
    assert scalar(shape("string"), "  x ", "S") == "  x "
    for kind, text in [("timestamp", "yesterday"), ("double", "1,5"), ("long", "0x10")]:
        with pytest.raises(ServiceError) as caught:
            scalar(shape(kind), text, "P")
        assert caught.value.code == "InvalidParameterValue"


def test_boto3_client_end_to_end() -> None:
    """A real boto3 SNS client whose HTTP layer is this protocol: request, result and error."""
    sns = protocol_for("sns")
    seen: list[dict[str, Any]] = []

    class _Raw:
        def __init__(self, body: bytes) -> None:
            self.body = body

        def stream(self, **_: Any) -> Any:
            yield self.body

    def send(request: Any, **_: Any) -> AWSResponse:
        body = request.body if isinstance(request.body, bytes) else request.body.encode()
        headers = Headers(
            (k, v if isinstance(v, str) else v.decode()) for k, v in request.headers.items()
        )
        http = HttpRequest("POST", "/", headers=headers, body=body)
        try:
            parsed = sns.parse(http)
            seen.append(parsed.params)
            if parsed.params.get("TopicArn", "").endswith(":missing"):
                raise ServiceError("NotFoundException", "Topic does not exist")
            response = sns.serialize(parsed.operation, {"MessageId": "m-1"}, "rid-1")
        except ServiceError as error:
            response = sns.serialize_error(error, None, "rid-1")
        return AWSResponse(
            request.url, response.status, dict(response.headers), _Raw(response.body)
        )

    client = boto3.client(
        "sns",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:1",
        aws_access_key_id="a",
        aws_secret_access_key="b",
    )
    client.meta.events.register("before-send.sns", send)
    answer = client.publish(
        TopicArn="arn:aws:sns:us-east-1:1:t",
        Message="hi & bye",
        MessageAttributes={"n": {"DataType": "Number", "StringValue": "3"}},
    )
    assert answer["MessageId"] == "m-1"
    assert answer["ResponseMetadata"]["RequestId"] == "rid-1"
    assert seen[0]["MessageAttributes"] == {"n": {"DataType": "Number", "StringValue": "3"}}
    with pytest.raises(client.exceptions.NotFoundException) as caught:
        client.publish(TopicArn="arn:aws:sns:us-east-1:1:missing", Message="x")
    assert caught.value.response["Error"]["Code"] == "NotFound"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
