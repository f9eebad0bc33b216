"""The query protocol against botocore's own query serializer and response parser.

Every operation of SNS, STS and the legacy SQS query model is round-tripped: requests that
botocore builds are parsed back to the parameters they came from, and responses we write are read
back by botocore to the result we wrote.
"""

from __future__ import annotations

import base64
import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

import boto3
import botocore.parsers
import botocore.serialize
import pytest
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from skybus.wire.errors import ServiceError
from skybus.wire.http import Headers, HttpRequest, HttpResponse
from skybus.wire.models import service_model
from skybus.wire.query import QueryProtocol, scalar
from skybus.wire.sqs_legacy import legacy_sqs_model
from tests.wire.shapegen import sample

SEEDS = (0, 1, 2)
ABSENT: Any = object()


def _model(name: str) -> ServiceModel:
    return legacy_sqs_model() if name == "sqs-query" else service_model(name)


_PROTOCOLS: dict[str, QueryProtocol] = {}


def protocol_for(name: str) -> QueryProtocol:
    if name not in _PROTOCOLS:
        _PROTOCOLS[name] = QueryProtocol(_model(name))
    return _PROTOCOLS[name]


CASES = [
    (service, operation)
    for service in ("sns", "sts", "sqs-query")
    for operation in _model(service).operation_names
]


# --- helpers -------------------------------------------------------------------------------


def botocore_request(
    operation: OperationModel, params: dict[str, Any], *, get: bool
) -> HttpRequest:
    """The request botocore would send for ``params``, as the server would receive it."""
    serializer = botocore.serialize.create_serializer("query", include_validation=False)
    serialized = serializer.serialize_to_request(params, operation)
    if get:
        # SNS's SubscribeURL/UnsubscribeURL style: the same pairs in the query string of a GET.
        prepared = AWSRequest(method="GET", url="http://x/", params=serialized["body"]).prepare()
        query = prepared.url.partition("?")[2]
        return HttpRequest("GET", "/", query=query)
    prepared = AWSRequest(
        method=serialized["method"],
        url="http://x" + serialized["url_path"],
        data=serialized["body"],
        headers=serialized["headers"],
    ).prepare()
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    headers = Headers((k, str(v)) for k, v in prepared.headers.items())
    return HttpRequest(serialized["method"], serialized["url_path"], headers=headers, body=body)


def form_request(body: str, *, query: str = "", content_type: str | None = None) -> HttpRequest:
    ctype = (
        "application/x-www-form-urlencoded; charset=utf-8" if content_type is None else content_type
    )
    headers = Headers([("Content-Type", ctype)])
    return HttpRequest("POST", "/", query=query, headers=headers, body=body.encode("latin-1"))


def on_the_wire_input(shape: Shape, value: Any) -> Any:
    """What of an input value a query request can carry."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        out = {}
        for name, item in value.items():
            kept = on_the_wire_input(shape.members[name], item)
            if kept is not ABSENT:
                out[name] = kept
        # A structure with nothing inside sends no key at all, so it cannot be told from absent.
        return out if out else ABSENT
    if kind == "list":
        if not value:
            return []  # Empty lists are sent as ``Name=`` and come back as [].
        items = [on_the_wire_input(shape.member, item) for item in value]
        items = [item for item in items if item is not ABSENT]
        # Items that send no key leave no trace; a list of only those sends nothing.
        return items if items else ABSENT
    if kind == "map":
        # botocore sends no key for an empty map.
        if not value:
            return ABSENT
        return {k: on_the_wire_input(shape.value, v) for k, v in value.items()}
    return value


def on_the_wire_output(shape: Shape, value: Any) -> Any:
    """What of an output value an XML response can carry."""
    kind = shape.type_name
    flattened = bool(shape.serialization.get("flattened"))
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        out = {}
        for name, item in value.items():
            kept = on_the_wire_output(shape.members[name], item)
            if kept is not ABSENT:
                out[name] = kept
        return out
    if kind == "list":
        # An empty flattened list writes no element at all, so it reads back as absent.
        if flattened and not value:
            return ABSENT
        return [on_the_wire_output(shape.member, item) for item in value]
    if kind == "map":
        if flattened and not value:
            return ABSENT
        return {k: on_the_wire_output(shape.value, v) for k, v in value.items()}
    return value


def botocore_parse(response: HttpResponse, shape: Shape | None) -> dict[str, Any]:
    parser = botocore.parsers.create_parser("query")
    headers = {k: v for k, v in response.headers}
    parsed: dict[str, Any] = parser.parse(
        {"status_code": response.status, "headers": headers, "body": response.body}, shape
    )
    return parsed


def parse_error(protocol: QueryProtocol, request: HttpRequest) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        protocol.parse(request)
    return caught.value


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
