"""Validation of parsed requests against botocore's models, with AWS's wording."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from botocore.model import Shape
from hypothesis import given, settings
from hypothesis import strategies as st

from skybus.wire.models import SERVICES, operation_model, service_model
from skybus.wire.validation import Violation, compile_pattern, translate, validate
from skybus.wire.violations import MAX_LISTED, java_date, java_double, render, validation_error
from tests.wire.shapegen import sample

MESSAGES = [
    (
        "dynamodb",
        "CreateTable",
        {},
        "ValidationException",
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: "
        "Member must not be null",
    ),
    (
        "dynamodb",
        "CreateTable",
        {"TableName": "t", "KeySchema": [{"AttributeName": "pk", "KeyType": "X"}]},
        "ValidationException",
        "1 validation error detected: Value 'X' at 'keySchema.1.member.keyType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [HASH, RANGE]",
    ),
    (
        "dynamodb",
        "DescribeTable",
        {"TableName": ""},
        "ValidationException",
        "1 validation error detected: Value '' at 'tableName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
    ),
    (
        "dynamodb",
        "ListTables",
        {"Limit": 0},
        "ValidationException",
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    ),
    (
        "dynamodb",
        "ListTables",
        {"Limit": 101},
        "ValidationException",
        "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 100",
    ),
    (
        "dynamodb",
        "BatchWriteItem",
        {"RequestItems": {"orders": []}},
        "ValidationException",
        "1 validation error detected: Value '[]' at 'requestItems.orders.member' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1",
    ),
    (
        "dynamodb",
        "BatchGetItem",
        {"RequestItems": {"users": {"Keys": [{"id": {"S": str(i)}} for i in range(101)]}}},
        "ValidationException",
        "1 validation error detected: Value at 'requestItems.users.member.keys' failed to satisfy "
        "constraint: Member must have length less than or equal to 100",
    ),
    (
        "lambda",
        "GetFunction",
        {"FunctionName": "my function"},
        "ValidationException",
        "1 validation error detected: Value 'my function' at 'functionName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
        r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
        r"(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?",
    ),
    (
        "lambda",
        "CreateFunctionUrlConfig",
        {"FunctionName": "f", "AuthType": "NONE", "Cors": {"AllowMethods": ["GET", "OPTIONSX"]}},
        "ValidationException",
        "1 validation error detected: Value '[GET, OPTIONSX]' at 'cors.allowMethods' failed to "
        "satisfy constraint: Member must satisfy constraint: [Member must have length less than "
        "or equal to 6, Member must have length greater than or equal to 0, Member must satisfy "
        "regular expression pattern: .*, Member must not be null]",
    ),
    (
        "lambda",
        "CreateAlias",
        {
            "FunctionName": "f",
            "Name": "live",
            "FunctionVersion": "1",
            "RoutingConfig": {"AdditionalVersionWeights": {"2": 1.5}},
        },
        "ValidationException",
        "1 validation error detected: Value '{2=1.5}' at 'routingConfig.additionalVersionWeights' "
        "failed to satisfy constraint: Map value must satisfy constraint: [Member must have value "
        "less than or equal to 1.0, Member must have value greater than or equal to 0.0]",
    ),
    (
        "sts",
        "AssumeRole",
        {"RoleArn": "arn:aws:iam::123456789012:role/demo"},
        "ValidationError",
        "1 validation error detected: Value null at 'roleSessionName' failed to satisfy "
        "constraint: Member must not be null",
    ),
    (
        "sts",
        "AssumeRole",
        {"RoleArn": "", "RoleSessionName": "session"},
        "ValidationError",
        "2 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: Member "
        r"must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u007E\u0085"
        r"\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+; Value '' at 'roleArn' failed to satisfy "
        "constraint: Member must have length greater than or equal to 20",
    ),
    (
        "sts",
        "AssumeRole",
        {"RoleArn": "x" * 20, "RoleSessionName": "bad/name", "DurationSeconds": 899},
        "ValidationError",
        "2 validation errors detected: Value 'bad/name' at 'roleSessionName' failed to satisfy "
        r"constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*; Value '899' at "
        "'durationSeconds' failed to satisfy constraint: Member must have value greater than or "
        "equal to 900",
    ),
    (
        "sns",
        "Publish",
        {},
        "ValidationError",
        "1 validation error detected: Value null at 'message' failed to satisfy constraint: "
        "Member must not be null",
    ),
    (
        "sns",
        "TagResource",
        {
            "ResourceArn": "arn:aws:sns:us-east-1:123456789012:t",
            "Tags": [{"Key": "", "Value": "v"}],
        },
        "ValidationError",
        "1 validation error detected: Value '' at 'tags.1.member.key' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1",
    ),
    (
        "sqs",
        "SendMessage",
        {"MessageBody": "hello"},
        "MissingParameter",
        "The request must contain the parameter QueueUrl.",
    ),
    (
        "logs",
        "CreateLogGroup",
        {"logGroupName": "a b"},
        "InvalidParameterException",
        "1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+",
    ),
]


@pytest.mark.parametrize(("service", "operation", "params", "code", "message"), MESSAGES)
def test_messages(
    service: str, operation: str, params: dict[str, Any], code: str, message: str
) -> None:
    violations = validate(operation_model(service, operation).input_shape, params)
    error = validation_error(service, violations)
    assert (error.code, error.message) == (code, message)
    assert error.status == 400
    assert error.sender_fault is True


def test_valid_requests_have_no_violations() -> None:
    put = {
        "TableName": "events",
        "Item": {"pk": {"S": "a"}, "n": {"N": "1"}, "tags": {"SS": ["x"]}},
        "ReturnValues": "ALL_OLD",
    }
    assert validate(operation_model("dynamodb", "PutItem").input_shape, put) == []
    assume = {"RoleArn": "arn:aws:iam::123456789012:role/r", "RoleSessionName": "s1"}
    assert validate(operation_model("sts", "AssumeRole").input_shape, assume) == []
    assert validate(None, {"Anything": 1}) == []


def test_nested_list_paths_and_structure_values() -> None:
    shape = operation_model("dynamodb", "CreateTable").input_shape
    params = {
        "TableName": "t",
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "by-email",
                "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "a!",
                "KeySchema": [],
                "Projection": {"ProjectionType": "SOME"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1},
            },
        ],
    }
    found = [(v.path, v.constraint) for v in validate(shape, params)]
    assert found == [
        (
            "globalSecondaryIndexes.2.member.indexName",
            "Member must have length greater than or equal to 3",
        ),
        (
            "globalSecondaryIndexes.2.member.indexName",
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        ),
        (
            "globalSecondaryIndexes.2.member.keySchema",
            "Member must have length greater than or equal to 1",
        ),
        (
            "globalSecondaryIndexes.2.member.projection.projectionType",
            "Member must satisfy enum value set: [ALL, KEYS_ONLY, INCLUDE]",
        ),
        (
            "globalSecondaryIndexes.2.member.provisionedThroughput.writeCapacityUnits",
            "Member must not be null",
        ),
    ]
    message = validation_error("dynamodb", validate(shape, params)).message
    assert message is not None
    assert message.startswith("5 validation errors detected: Value 'a!' at ")


def test_structures_render_like_aws() -> None:
    shape = operation_model("dynamodb", "CreateTable").input_shape
    schema = [{"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "b", "KeyType": "UP"}]
    (violation,) = validate(shape, {"TableName": "t", "KeySchema": schema})
    assert violation.path == "keySchema.2.member.keyType"
    assert violation.value == "UP"
    lists = operation_model("dynamodb", "BatchWriteItem").input_shape
    items = {"t": [{"DeleteRequest": {"Key": {"id": {"S": "1"}}}}] * 26}
    (too_many,) = validate(lists, {"RequestItems": items})
    assert too_many.path == "requestItems.t.member"
    assert too_many.shown is not None
    assert too_many.shown.startswith("'[WriteRequest(deleteRequest=DeleteRequest(key=")


def test_sensitive_values_are_not_shown() -> None:
    shape = operation_model("sts", "AssumeRoleWithWebIdentity").input_shape
    params = {"RoleArn": "x" * 20, "RoleSessionName": "s1", "WebIdentityToken": "abc"}
    (violation,) = validate(shape, params)
    assert violation.sentence() == (
        "Value at 'webIdentityToken' failed to satisfy constraint: "
        "Member must have length greater than or equal to 4"
    )


def test_type_mismatches_become_violations() -> None:
    shape = operation_model("dynamodb", "ListTables").input_shape
    assert validate(shape, {"Limit": "ten"}) == [
        Violation("limit", "ten", "Member must be of type integer")
    ]
    assert validate(shape, {"Limit": True})[0].constraint == "Member must be of type integer"
    query = operation_model("dynamodb", "Query").input_shape
    found = validate(query, {"TableName": "t", "AttributesToGet": ["a", 5], "Select": 3})
    assert [(v.path, v.value) for v in found] == [("select", 3), ("attributesToGet.2.member", 5)]


def test_sqs_other_violations_are_invalid_parameter_value() -> None:
    shape = operation_model("sqs", "ReceiveMessage").input_shape
    violations = validate(shape, {"QueueUrl": "http://q", "MaxNumberOfMessages": "ten"})
    error = validation_error("sqs", violations)
    assert error.code == "InvalidParameterValue"
    assert error.message is not None
    assert error.message.startswith("Value ten for parameter MaxNumberOfMessages is invalid. ")


def test_listing_stops_at_the_limit() -> None:
    many = [Violation(f"m{i}", None, "Member must not be null") for i in range(MAX_LISTED + 5)]
    message = validation_error("dynamodb", many).message
    assert message is not None
    assert message.startswith(f"{MAX_LISTED} validation errors detected: ")
    assert message.count("; ") == MAX_LISTED - 1


def test_validation_error_needs_violations() -> None:
    with pytest.raises(ValueError, match="at least one"):
        validation_error("dynamodb", [])


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*", "Ünïcode 42 _.:/=+-@", "a*b"),
        (r"\p{Print}+", "hello world", "tab\there"),
        (r"[\w-_]*", "a-b_c", "a b"),
        (r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*", "ok 😀", "\x01"),
        (r"\d+", "123", "١٢٣"),
    ],
)
def test_java_patterns(pattern: str, good: str, bad: str) -> None:
    compiled = compile_pattern(pattern)
    assert compiled is not None, translate(pattern)
    assert compiled.fullmatch(good)
    assert compiled.fullmatch(bad) is None


def _all_patterns() -> set[str]:
    found: set[str] = set()
    for service in SERVICES:
        model = service_model(service)
        for name in model.shape_names:
            pattern = model.shape_for(name).metadata.get("pattern")
            if pattern:
                found.add(pattern)
    return found


def test_every_model_pattern_compiles() -> None:
    patterns = _all_patterns()
    assert len(patterns) > 100
    assert [p for p in patterns if compile_pattern(p) is None] == []


def test_java_rendering() -> None:
    assert [java_double(x) for x in (1.0, 0.5, 1e7, 1.5e-4, -2.0e20)] == [
        "1.0",
        "0.5",
        "1.0E7",
        "1.5E-4",
        "-2.0E20",
    ]
    assert java_date(dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) == "Thu Jan 01 00:00:00 UTC 1970"
    assert render(b"abc") == "java.nio.HeapByteBuffer[pos=0 lim=3 cap=3]"
    assert render([True, None, {"k": 1}]) == "[true, null, {k=1}]"


OPERATIONS = [
    (service, name)
    for service in SERVICES
    for name in service_model(service).operation_names
    if service_model(service).operation_model(name).input_shape is not None
]
# What a sample from shapegen may break: it ignores patterns and the bounds of doubles, and
# fills lists and maps with one or two elements whatever their limits; never a missing member,
# an unknown enum value or a value of the wrong type.
SAMPLE_MAY_BREAK = (
    "Member must satisfy regular expression",
    "Member must have ",
    "Member must satisfy constraint: [",
    "Map keys must satisfy constraint: [",
    "Map value must satisfy constraint: [",
)


def _input(service: str, operation: str) -> Shape:
    shape = operation_model(service, operation).input_shape
    assert shape is not None
    return shape


def test_samples_of_every_operation_validate() -> None:
    assert len(OPERATIONS) > 500
    for service, operation in OPERATIONS:
        shape = _input(service, operation)
        for violation in validate(shape, sample(shape, 0)):
            assert violation.constraint.startswith(SAMPLE_MAY_BREAK), (operation, violation)


_JUNK: list[object] = [None, "", "x" * 3000, -(10**12), 10**12, 1.5, True, [], {}, b"", [None]]


def _mutate(value: Any, rng: random.Random) -> Any:
    """The value with one place somewhere inside replaced by something of the wrong kind."""
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(sorted(value, key=str))
        return {**value, key: _mutate(value[key], rng)}
    if isinstance(value, list) and value and rng.random() < 0.8:
        index = rng.randrange(len(value))
        return [*value[:index], _mutate(value[index], rng), *value[index + 1 :]]
    return rng.choice(_JUNK)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(OPERATIONS),
    st.integers(min_value=0, max_value=2**16),
    st.booleans(),
    st.integers(min_value=0, max_value=3),
)
def test_validator_never_crashes(
    operation: tuple[str, str], seed: int, fill_all: bool, mutations: int
) -> None:
    service, name = operation
    shape = _input(service, name)
    params = sample(shape, seed, fill_all=fill_all)
    rng = random.Random(seed)
    for _ in range(mutations):
        params = _mutate(params, rng)
    if not isinstance(params, dict):
        params = {}
    violations = validate(shape, params)
    assert all(isinstance(v, Violation) and v.path for v in violations)
    if violations:
        error = validation_error(service, violations)
        assert error.message


def test_lambda_runtime_enum_is_an_invalid_parameter_value() -> None:
    op = service_model("lambda").operation_model("CreateFunction")
    params = {
        "FunctionName": "f",
        "Role": "arn:aws:iam::000000000000:role/r",
        "Code": {"ZipFile": b"x"},
        "Runtime": "cobol85",
    }
    error = validation_error("lambda", validate(op.input_shape, params))
    assert error.code == "InvalidParameterValueException"
    assert error.message is not None
    assert error.message.startswith("Value 'cobol85' at 'runtime' failed to satisfy constraint: ")
    assert error.message.endswith("] or be a valid ARN")


def test_sqs_attribute_names_are_left_to_the_service() -> None:
    op = service_model("sqs").operation_model("ReceiveMessage")
    params = {"QueueUrl": "http://h/1/q", "AttributeNames": ["ApproximateReceiveCount", "Nope"]}
    assert validate(op.input_shape, params) == []


def test_dynamodb_lists_enum_values_sorted() -> None:
    op = service_model("dynamodb").operation_model("CreateTable")
    params = {
        "TableName": "t",
        "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "X"}],
    }
    message = validation_error("dynamodb", validate(op.input_shape, params)).message
    assert message is not None
    assert message.endswith("Member must satisfy enum value set: [B, N, S]")
