"""Malformed requests get each protocol's AWS error, as a 4xx, and never an unhandled 500."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skybus import limits
from tests.server.signing import send, signed
from tests.servers import RunningServer

JSON_10 = {"Content-Type": "application/x-amz-json-1.0"}
JSON_11 = {"Content-Type": "application/x-amz-json-1.1"}
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def ddb(server: RunningServer, target: str, body: bytes) -> httpx.Response:
    headers = {**JSON_10, "X-Amz-Target": f"DynamoDB_20120810.{target}"}
    return send(
        signed("POST", server.endpoint + "/", service="dynamodb", body=body, headers=headers)
    )


def json_error(response: httpx.Response) -> tuple[str, str]:
    body = response.json()
    return body["__type"].rsplit("#", 1)[-1], body.get("message") or body.get("Message") or ""


def xml_error(response: httpx.Response) -> tuple[str, str]:
    root = ET.fromstring(response.content)
    ns = {"a": root.tag.split("}", 1)[0].lstrip("{")} if root.tag.startswith("{") else {}
    prefix = "a:" if ns else ""
    code = root.findtext(f"{prefix}Error/{prefix}Code", namespaces=ns)
    message = root.findtext(f"{prefix}Error/{prefix}Message", namespaces=ns)
    return code or "", message or ""


def test_malformed_json(server: RunningServer) -> None:
    response = ddb(server, "ListTables", b"{not json")
    assert response.status_code == 400
    assert json_error(response)[0] == "SerializationException"


def test_invalid_utf8_json(server: RunningServer) -> None:
    response = ddb(server, "ListTables", b'{"ExclusiveStartTableName": "\xff\xfe"}')
    assert response.status_code == 400
    assert json_error(response)[0] == "SerializationException"


def test_unknown_json_operation(server: RunningServer) -> None:
    response = ddb(server, "MakeCoffee", b"{}")
    assert response.status_code == 400
    assert json_error(response)[0] == "UnknownOperationException"


def test_missing_required_member(server: RunningServer) -> None:
    response = ddb(server, "DescribeTable", b"{}")
    assert response.status_code == 400
    assert json_error(response) == (
        "ValidationException",
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: "
        "Member must not be null",
    )


def test_dynamodb_answers_carry_crc32(server: RunningServer) -> None:
    import zlib

    response = ddb(server, "DescribeTable", b"{}")
    assert int(response.headers["x-amz-crc32"]) == zlib.crc32(response.content)


def test_unknown_query_action(server: RunningServer) -> None:
    body = b"Action=MakeCoffee&Version=2010-03-31"
    response = send(signed("POST", server.endpoint + "/", service="sns", body=body, headers=FORM))
    assert response.status_code == 400
    assert xml_error(response)[0] == "InvalidAction"


def test_invalid_form_encoding(server: RunningServer) -> None:
    body = b"Action=ListTopics&NextToken=%ff%fe"
    response = send(signed("POST", server.endpoint + "/", service="sns", body=body, headers=FORM))
    assert 400 <= response.status_code < 500
    assert xml_error(response)[0]


def test_body_over_the_limit(server: RunningServer) -> None:
    body = b'{"TableName": "' + b"x" * (limits.MAX_REQUEST_BODY + 10) + b'"}'
    response = ddb(server, "DescribeTable", body)
    assert response.status_code == 413


def test_request_for_no_known_api(server: RunningServer) -> None:
    response = httpx.get(server.endpoint + "/no/such/api", timeout=10)
    assert response.status_code == 400
    assert response.json()["__type"] == "UnknownOperationException"


def test_rest_json_bad_body(server: RunningServer) -> None:
    response = send(
        signed(
            "POST",
            server.endpoint + "/2015-03-31/functions",
            service="lambda",
            body=b"{oops",
            headers={"Content-Type": "application/json"},
        )
    )
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"].split(":", 1)[0] == "InvalidRequestContentException"


TARGETS = st.sampled_from(
    [
        ("dynamodb", {"X-Amz-Target": "DynamoDB_20120810.PutItem", **JSON_10}),
        ("dynamodb", {"X-Amz-Target": "DynamoDB_20120810.Query", **JSON_10}),
        ("sqs", {"X-Amz-Target": "AmazonSQS.SendMessage", **JSON_10}),
        ("sqs", FORM),
        ("sns", FORM),
        ("sts", FORM),
        ("events", {"X-Amz-Target": "AWSEvents.PutEvents", **JSON_11}),
        ("logs", {"X-Amz-Target": "Logs_20140328.PutLogEvents", **JSON_11}),
    ]
)  # fmt: skip
PATHS = st.sampled_from(["/", "/2015-03-31/functions", "/2015-03-31/functions/f/invocations",
                         "/v2/apis", "/@connections/abc", "/000000000000/q"])  # fmt: skip
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip
BODIES = st.one_of(
    st.binary(max_size=200),
    JSONISH.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(["Action", "TopicArn", "Name", "Attributes.entry.1.key",
                                     "MaxItems", "QueueUrl", "Version", "Message"]),
                    st.text(max_size=20), max_size=5)
    .map(lambda d: httpx.QueryParams(d).__str__().encode()),
)  # fmt: skip


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(target=TARGETS, path=PATHS, body=BODIES, method=st.sampled_from(["POST", "GET", "PUT"]))
def test_no_input_produces_a_server_error(
    server: RunningServer, target: tuple[str, dict[str, str]], path: str, body: bytes, method: str
) -> None:
    service, headers = target
    response = send(
        signed(method, server.endpoint + path, service=service, body=body, headers=headers)
    )
    assert response.status_code < 500 or response.status_code == 501, response.text


def test_lambda_body_over_its_limit_names_the_operation(server: RunningServer) -> None:
    body = b"x" * (limits.MAX_LAMBDA_REQUEST_BODY + 1)
    response = send(
        signed(
            "POST",
            server.endpoint + "/2015-03-31/functions",
            service="lambda",
            body=body,
            headers={"Content-Type": "application/json"},
        )
    )
    assert response.status_code == 413
    assert response.headers["x-amzn-errortype"].startswith("RequestEntityTooLargeException")
    assert response.json()["message"] == (
        "Request must be smaller than 70167211 bytes for the CreateFunction operation"
    )
