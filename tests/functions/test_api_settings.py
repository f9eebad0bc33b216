"""Permissions, tags, reserved concurrency and event invoke configs through boto3."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.functions.api_helpers import create, error_of

QUEUE = "arn:aws:sqs:us-east-1:000000000000:destination"


def test_permissions(any_lam: Any, name: str) -> None:
    arn = create(any_lam, name)["FunctionArn"]
    with pytest.raises(ClientError) as caught:
        any_lam.get_policy(FunctionName=name)
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        "The resource you requested does not exist.",
        404,
    )
    added = any_lam.add_permission(
        FunctionName=name,
        StatementId="sns",
        Action="lambda:InvokeFunction",
        Principal="sns.amazonaws.com",
        SourceArn="arn:aws:sns:us-east-1:000000000000:words",
    )
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert json.loads(added["Statement"]) == {
        "Sid": "sns",
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": arn,
        "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:sns:us-east-1:000000000000:words"}},
    }
    any_lam.add_permission(
        FunctionName=name,
        StatementId="account",
        Action="lambda:InvokeFunction",
        Principal="123456789012",
    )
    policy = any_lam.get_policy(FunctionName=name)
    document = json.loads(policy["Policy"])
    assert document["Version"] == "2012-10-17"
    assert document["Id"] == "default"
    assert [s["Sid"] for s in document["Statement"]] == ["sns", "account"]
    assert document["Statement"][1]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    with pytest.raises(ClientError) as caught:
        any_lam.add_permission(
            FunctionName=name, StatementId="sns", Action="lambda:*", Principal="*"
        )
    assert error_of(caught.value) == (
        "ResourceConflictException",
        "The statement id (sns) provided already exists. Please provide a new statement id, or "
        "remove the existing statement.",
        409,
    )
    with pytest.raises(ClientError) as caught:
        any_lam.remove_permission(FunctionName=name, StatementId="non-existent")
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        "Statement non-existent is not found in resource policy.",
        404,
    )
    removed = any_lam.remove_permission(FunctionName=name, StatementId="sns")
    assert removed["ResponseMetadata"]["HTTPStatusCode"] == 204
    any_lam.remove_permission(FunctionName=name, StatementId="account")
    with pytest.raises(ClientError):
        any_lam.get_policy(FunctionName=name)


def test_permission_on_a_version(lam: Any, name: str) -> None:
    arn = create(lam, name, Publish=True)["FunctionArn"]
    added = lam.add_permission(
        FunctionName=name,
        Qualifier="1",
        StatementId="s",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
        SourceAccount="000000000000",
    )
    statement = json.loads(added["Statement"])
    assert statement["Resource"] == f"{arn}:1"
    assert statement["Condition"] == {"StringEquals": {"AWS:SourceAccount": "000000000000"}}
    assert lam.get_policy(FunctionName=name, Qualifier="1")["Policy"]
    with pytest.raises(ClientError):
        lam.get_policy(FunctionName=name)


def test_tags(any_lam: Any, name: str) -> None:
    arn = create(any_lam, name, Tags={"a": "1"})["FunctionArn"]
    assert any_lam.list_tags(Resource=arn)["Tags"] == {"a": "1"}
    tagged = any_lam.tag_resource(Resource=arn, Tags={"b": "2", "a": "3"})
    assert tagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert any_lam.list_tags(Resource=arn)["Tags"] == {"a": "3", "b": "2"}
    assert any_lam.get_function(FunctionName=name)["Tags"] == {"a": "3", "b": "2"}
    any_lam.untag_resource(Resource=arn, TagKeys=["a", "missing"])
    assert any_lam.list_tags(Resource=arn)["Tags"] == {"b": "2"}
    with pytest.raises(ClientError) as caught:
        any_lam.tag_resource(Resource=f"{arn}:1", Tags={"c": "4"})
    assert error_of(caught.value) == (
        "InvalidParameterValueException",
        "Tags on function aliases and versions are not supported. Please specify a function ARN.",
        400,
    )
    too_many = {f"k{i}": "v" for i in range(50)}
    with pytest.raises(ClientError) as caught:
        any_lam.tag_resource(Resource=arn, Tags=too_many)
    assert error_of(caught.value)[1] == "Number of tags exceeds resource tag limit."
    missing = arn.replace(name, "nope")
    with pytest.raises(ClientError) as caught:
        any_lam.list_tags(Resource=missing)
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        f"Function not found: {missing}",
        404,
    )


def test_reserved_concurrency(any_lam: Any, name: str) -> None:
    arn = create(any_lam, name)["FunctionArn"]
    assert "ReservedConcurrentExecutions" not in any_lam.get_function_concurrency(FunctionName=name)
    put = any_lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)
    assert put["ReservedConcurrentExecutions"] == 5
    assert any_lam.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 5
    assert any_lam.get_function(FunctionName=name)["Concurrency"] == {
        "ReservedConcurrentExecutions": 5
    }
    with pytest.raises(ClientError) as caught:
        any_lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=901)
    assert error_of(caught.value) == (
        "InvalidParameterValueException",
        "Specified ReservedConcurrentExecutions for function decreases account's "
        "UnreservedConcurrentExecution below its minimum value of [100].",
        400,
    )
    with pytest.raises(ClientError) as caught:
        any_lam.put_function_concurrency(FunctionName=f"{arn}:1", ReservedConcurrentExecutions=1)
    assert error_of(caught.value)[1].startswith("This operation is permitted on Lambda functions")
    with pytest.raises(ClientError) as caught:
        any_lam.put_function_concurrency(FunctionName="nope", ReservedConcurrentExecutions=1)
    assert error_of(caught.value)[1].endswith(":function:nope:$LATEST")
    deleted = any_lam.delete_function_concurrency(FunctionName=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert "Concurrency" not in any_lam.get_function(FunctionName=name)


def test_event_invoke_config_lifecycle(any_lam: Any, name: str) -> None:
    arn = create(any_lam, name, Publish=True)["FunctionArn"]
    put = any_lam.put_function_event_invoke_config(
        FunctionName=name,
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": QUEUE}},
    )
    assert put["FunctionArn"] == f"{arn}:$LATEST"
    assert put["MaximumRetryAttempts"] == 1
    assert "MaximumEventAgeInSeconds" not in put
    assert put["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {"Destination": QUEUE}}
    updated = any_lam.update_function_event_invoke_config(
        FunctionName=name, MaximumEventAgeInSeconds=60
    )
    assert (updated["MaximumRetryAttempts"], updated["MaximumEventAgeInSeconds"]) == (1, 60)
    assert updated["DestinationConfig"]["OnFailure"] == {"Destination": QUEUE}
    replaced = any_lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    assert "MaximumEventAgeInSeconds" not in replaced
    assert replaced["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
    got = any_lam.get_function_event_invoke_config(FunctionName=name)
    assert got["MaximumRetryAttempts"] == 0
    any_lam.put_function_event_invoke_config(
        FunctionName=name, Qualifier="1", MaximumRetryAttempts=2
    )
    listed = any_lam.list_function_event_invoke_configs(FunctionName=name)
    assert [c["FunctionArn"] for c in listed["FunctionEventInvokeConfigs"]] == [
        f"{arn}:$LATEST",
        f"{arn}:1",
    ]
    deleted = any_lam.delete_function_event_invoke_config(FunctionName=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as caught:
        any_lam.get_function_event_invoke_config(FunctionName=name)
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        f"The function {arn}:$LATEST doesn't have an EventInvokeConfig",
        404,
    )


def test_event_invoke_config_refusals(lam: Any, name: str) -> None:
    arn = create(lam, name)["FunctionArn"]

    def refused(**kwargs: Any) -> tuple[str, str, int]:
        with pytest.raises(ClientError) as caught:
            lam.put_function_event_invoke_config(**kwargs)
        return error_of(caught.value)

    assert refused(FunctionName=name) == (
        "InvalidParameterValueException",
        "You must specify at least one of error handling or destination setting.",
        400,
    )
    assert refused(FunctionName="nope", MaximumRetryAttempts=1) == (
        "ResourceNotFoundException",
        "The function doesn't exist.",
        404,
    )
    assert refused(FunctionName=name, Qualifier="nope", MaximumRetryAttempts=1)[1] == (
        "The function doesn't exist."
    )
    other = arn.replace(name, "doesnotexist")
    assert refused(FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": other}}) == (
        "InvalidParameterValueException",
        f"The destination ARN {other} is invalid.",
        400,
    )
    assert refused(FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": arn}})[1] == (
        "You can't specify the function as a destination for itself."
    )
    iam = "arn:aws:iam:us-east-1:000000000000:function:x"
    assert refused(FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": iam}})[1] == (
        f"The provided destination config DestinationConfig(onSuccess=OnSuccess(destination="
        f"{iam}), onFailure=null) is invalid."
    )
    with pytest.raises(ClientError) as caught:
        lam.update_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1)
    assert (
        error_of(caught.value)[1] == f"The function {arn}:$LATEST doesn't have an EventInvokeConfig"
    )
    with pytest.raises(ClientError) as caught:
        lam.list_function_event_invoke_configs(FunctionName="nope")
    assert error_of(caught.value)[1] == "The function doesn't exist."
