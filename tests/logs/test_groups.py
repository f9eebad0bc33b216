"""Log groups through boto3: create, describe, delete, retention, deletion protection."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.logs.conftest import GroupFactory, error_of, now_ms, unique

ACCOUNT = "000000000000"
REGION = "us-east-1"


def arn(name: str) -> str:
    return f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}"


def test_created_group_is_described_as_aws_does(logs: Any, make_group: GroupFactory) -> None:
    before = now_ms()
    name = make_group()
    groups = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert len(groups) == 1
    described = groups[0]
    assert before - 1000 <= described.pop("creationTime") <= now_ms() + 1000
    assert described == {
        "logGroupName": name,
        "arn": f"{arn(name)}:*",
        "logGroupArn": arn(name),
        "logGroupClass": "STANDARD",
        "metricFilterCount": 0,
        "storedBytes": 0,
        "deletionProtectionEnabled": False,
    }


def test_stored_bytes_count_the_messages(logs: Any, group: str) -> None:
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_log_events(
        logGroupName=group,
        logStreamName="s",
        logEvents=[{"timestamp": now_ms(), "message": "héllo"}],
    )
    described = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    assert described["storedBytes"] == len("héllo".encode())


def test_duplicate_group(logs: Any, group: str) -> None:
    with pytest.raises(ClientError) as caught:
        logs.create_log_group(logGroupName=group)
    assert error_of(caught) == (
        400,
        "ResourceAlreadyExistsException",
        "The specified log group already exists",
    )


def test_group_name_checked_by_the_model(logs: Any) -> None:
    with pytest.raises(ClientError) as caught:
        logs.create_log_group(logGroupName="bad name!")
    status, code, message = error_of(caught)
    assert (status, code) == (400, "InvalidParameterException")
    assert "failed to satisfy constraint: Member must satisfy regular expression" in message


def test_reserved_prefix_and_kms_keys_are_refused(logs: Any) -> None:
    with pytest.raises(ClientError) as caught:
        logs.create_log_group(logGroupName=f"aws/{unique()}")
    assert error_of(caught)[:2] == (400, "InvalidParameterException")
    name = f"/test/{unique()}"
    with pytest.raises(ClientError) as caught:
        logs.create_log_group(
            logGroupName=name, kmsKeyId="arn:aws:kms:us-east-1:000000000000:key/abc"
        )
    assert error_of(caught)[:2] == (400, "InvalidParameterException")
    assert logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []


def test_delete_group_and_its_streams(logs: Any, make_group: GroupFactory) -> None:
    name = make_group()
    logs.create_log_stream(logGroupName=name, logStreamName="s")
    logs.put_log_events(
        logGroupName=name, logStreamName="s", logEvents=[{"timestamp": now_ms(), "message": "x"}]
    )
    logs.delete_log_group(logGroupName=name)
    assert logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"] == []
    with pytest.raises(ClientError) as caught:
        logs.delete_log_group(logGroupName=name)
    assert error_of(caught) == (
        400,
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    )
    # A new group under the same name starts empty.
    logs.create_log_group(logGroupName=name)
    try:
        assert logs.describe_log_streams(logGroupName=name)["logStreams"] == []
        assert logs.filter_log_events(logGroupName=name)["events"] == []
    finally:
        logs.delete_log_group(logGroupName=name)


def test_describe_by_prefix_in_name_order_with_paging(logs: Any, make_group: GroupFactory) -> None:
    base = f"/test/{unique()}"
    names = [make_group(f"{base}/{suffix}") for suffix in ("c", "a", "b", "d", "e")]
    make_group(f"{base}x")  # shares the prefix string but sorts after
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs: dict[str, Any] = {"logGroupNamePrefix": f"{base}/", "limit": 2}
        if token:
            kwargs["nextToken"] = token
        page = logs.describe_log_groups(**kwargs)
        pages += 1
        seen.extend(g["logGroupName"] for g in page["logGroups"])
        token = page.get("nextToken")
        if not token:
            break
    assert seen == sorted(names)
    assert pages == 3
    paginated = logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=base)
    assert [g["logGroupName"] for p in paginated for g in p["logGroups"]] == [
        *sorted(names),
        f"{base}x",
    ]


def test_describe_by_pattern_leaves_out_stored_bytes(logs: Any, make_group: GroupFactory) -> None:
    marker = unique("Pat")
    name = make_group(f"/test/{marker}/x")
    make_group(f"/test/{marker.lower()}/y")  # the match is case sensitive
    groups = logs.describe_log_groups(logGroupNamePattern=marker)["logGroups"]
    assert [g["logGroupName"] for g in groups] == [name]
    assert set(groups[0]) == {
        "logGroupName",
        "creationTime",
        "arn",
        "logGroupArn",
        "logGroupClass",
        "metricFilterCount",
    }


def test_prefix_and_pattern_are_exclusive(logs: Any) -> None:
    with pytest.raises(ClientError) as caught:
        logs.describe_log_groups(logGroupNamePrefix="/a", logGroupNamePattern="a")
    assert error_of(caught) == (
        400,
        "InvalidParameterException",
        "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.",
    )


def test_describe_by_identifiers_and_class(logs: Any, make_group: GroupFactory) -> None:
    one = make_group()
    two = make_group(logGroupClass="INFREQUENT_ACCESS")
    found = logs.describe_log_groups(logGroupIdentifiers=[two, arn(one), "/test/missing"])
    assert [g["logGroupName"] for g in found["logGroups"]] == sorted([one, two])
    classes = {g["logGroupName"]: g["logGroupClass"] for g in found["logGroups"]}
    assert classes[two] == "INFREQUENT_ACCESS"
    infrequent = logs.describe_log_groups(
        logGroupIdentifiers=[one, two], logGroupClass="ESSENTIALS"
    )
    assert [g["logGroupName"] for g in infrequent["logGroups"]] == [two]


def test_bad_describe_token(logs: Any) -> None:
    with pytest.raises(ClientError) as caught:
        logs.describe_log_groups(nextToken="not-a-token")
    assert error_of(caught) == (
        400,
        "InvalidParameterException",
        "The specified nextToken is invalid.",
    )


def test_retention_policy(logs: Any, group: str) -> None:
    logs.put_retention_policy(logGroupName=group, retentionInDays=14)
    described = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    assert described["retentionInDays"] == 14
    logs.delete_retention_policy(logGroupName=group)
    described = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    assert "retentionInDays" not in described


def test_retention_must_be_one_of_aws_periods(logs: Any, group: str) -> None:
    with pytest.raises(ClientError) as caught:
        logs.put_retention_policy(logGroupName=group, retentionInDays=2)
    assert error_of(caught) == (
        400,
        "InvalidParameterException",
        "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy "
        "constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, "
        "150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]",
    )
    described = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
    assert "retentionInDays" not in described


def test_retention_of_a_missing_group(logs: Any) -> None:
    for method, params in (
        ("put_retention_policy", {"retentionInDays": 1}),
        ("delete_retention_policy", {}),
    ):
        with pytest.raises(ClientError) as caught:
            getattr(logs, method)(logGroupName="/test/none", **params)
        assert error_of(caught)[1] == "ResourceNotFoundException"


def test_deletion_protection_blocks_deletes(logs: Any, make_group: GroupFactory) -> None:
    name = make_group(deletionProtectionEnabled=True)
    logs.create_log_stream(logGroupName=name, logStreamName="s")
    described = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]
    assert described["deletionProtectionEnabled"] is True
    for method, params in (("delete_log_group", {}), ("delete_log_stream", {"logStreamName": "s"})):
        with pytest.raises(ClientError) as caught:
            getattr(logs, method)(logGroupName=name, **params)
        assert error_of(caught)[:2] == (400, "ValidationException")
    logs.put_log_group_deletion_protection(
        logGroupIdentifier=arn(name), deletionProtectionEnabled=False
    )
    logs.delete_log_stream(logGroupName=name, logStreamName="s")
    logs.delete_log_group(logGroupName=name)
