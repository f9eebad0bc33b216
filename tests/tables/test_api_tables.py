"""The table control plane through boto3: CreateTable, DescribeTable, ListTables, UpdateTable,
DeleteTable and tags, with AWS's errors, on both store backends."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.clients import client
from tests.servers import RunningServer
from tests.tables.conftest import TableFactory, unique_name


def error_of(call: Any, **params: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    status = caught.value.response["ResponseMetadata"]["HTTPStatusCode"]
    return error["Code"], error["Message"], status


def test_create_describe_delete(ddb: Any) -> None:
    name = unique_name()
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    created = ddb.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "event", "KeyType": "HASH"},
            {"AttributeName": "name", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "name", "AttributeType": "S"},
            {"AttributeName": "event", "AttributeType": "S"},
        ],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7},
    )["TableDescription"]
    assert created["TableStatus"] == "ACTIVE"
    assert created["TableName"] == name
    assert created["KeySchema"] == [
        {"AttributeName": "event", "KeyType": "HASH"},
        {"AttributeName": "name", "KeyType": "RANGE"},
    ]
    assert created["AttributeDefinitions"] == [
        {"AttributeName": "name", "AttributeType": "S"},
        {"AttributeName": "event", "AttributeType": "S"},
    ]
    assert created["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": 5,
        "WriteCapacityUnits": 7,
    }
    assert created["ItemCount"] == 0
    assert created["TableSizeBytes"] == 0
    assert created["TableArn"] == f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}"
    assert len(created["TableId"]) == 36
    assert created["CreationDateTime"] > before
    assert "BillingModeSummary" not in created

    # boto3's waiter polls every 20 s: a table that is ACTIVE at once makes it return at once.
    started = time.monotonic()
    ddb.get_waiter("table_exists").wait(TableName=name)
    assert time.monotonic() - started < 5

    by_name = ddb.describe_table(TableName=name)["Table"]
    by_arn = ddb.describe_table(TableName=created["TableArn"])["Table"]
    assert by_name == by_arn
    assert by_name["TableId"] == created["TableId"]

    deleted = ddb.delete_table(TableName=name)["TableDescription"]
    assert deleted["TableStatus"] == "DELETING"
    assert error_of(ddb.describe_table, TableName=name) == (
        "ResourceNotFoundException",
        f"Requested resource not found: Table: {name} not found",
        400,
    )
    ddb.get_waiter("table_not_exists").wait(TableName=name)


def test_pay_per_request_is_reported(ddb: Any, make_table: TableFactory) -> None:
    name = make_table()
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert "LastUpdateToPayPerRequestDateTime" in table["BillingModeSummary"]
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 0


def test_create_existing_table(ddb: Any, make_table: TableFactory) -> None:
    name = make_table()
    assert error_of(
        ddb.create_table,
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    ) == ("ResourceInUseException", f"Table already exists: {name}", 400)


KEY_ERRORS = [
    (
        [("a", "HASH")],
        [("b", "S")],
        "One or more parameter values were invalid: Some index key attributes are not defined "
        "in AttributeDefinitions. Keys: [a], AttributeDefinitions: [b]",
    ),
    (
        [("a", "HASH"), ("b", "RANGE")],
        [("a", "S")],
        "Invalid KeySchema: Some index key attribute have no definition",
    ),
    (
        [("a", "HASH"), ("a", "RANGE")],
        [("a", "S"), ("b", "S")],
        "Both the Hash Key and the Range Key element in the KeySchema have the same name",
    ),
    (
        [("a", "RANGE"), ("b", "HASH")],
        [("a", "S"), ("b", "S")],
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
    ),
    (
        [("a", "HASH"), ("b", "HASH")],
        [("a", "S"), ("b", "S")],
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
    ),
    (
        [("a", "HASH")],
        [("a", "S"), ("b", "N")],
        "One or more parameter values were invalid: Number of attributes in KeySchema does not "
        "exactly match number of attributes defined in AttributeDefinitions",
    ),
    ([("a", "HASH")], [("a", "S"), ("a", "N")], "Attribute Name is duplicated: a"),
]


@pytest.mark.parametrize(("keys", "definitions", "message"), KEY_ERRORS)
def test_key_schema_errors(
    ddb: Any, keys: list[tuple[str, str]], definitions: list[tuple[str, str]], message: str
) -> None:
    name = unique_name()
    assert error_of(
        ddb.create_table,
        TableName=name,
        KeySchema=[{"AttributeName": n, "KeyType": k} for n, k in keys],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in definitions],
        BillingMode="PAY_PER_REQUEST",
    ) == ("ValidationException", message, 400)
    assert name not in ddb.list_tables()["TableNames"]


def test_attribute_type_must_be_scalar(ddb: Any) -> None:
    code, message, _ = error_of(
        ddb.create_table,
        TableName=unique_name(),
        KeySchema=[{"AttributeName": "a", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "SS"}],
        BillingMode="PAY_PER_REQUEST",
    )
    assert code == "ValidationException"
    assert "at 'attributeDefinitions.1.member.attributeType'" in message
    assert "Member must satisfy enum value set: [" in message


def test_billing_errors(ddb: Any) -> None:
    keys = {
        "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}],
    }
    assert error_of(ddb.create_table, TableName=unique_name(), **keys) == (
        "ValidationException",
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits "
        "must both be specified when BillingMode is PROVISIONED",
        400,
    )
    assert error_of(
        ddb.create_table,
        TableName=unique_name(),
        BillingMode="PAY_PER_REQUEST",
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        **keys,
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
        "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        400,
    )


def test_table_name_rules(ddb: Any) -> None:
    code, message, status = error_of(ddb.describe_table, TableName="ab")
    assert (code, status) == ("ValidationException", 400)
    assert message == (
        "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3"
    )
    code, message, _ = error_of(ddb.describe_table, TableName="abc;")
    assert "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+" in message


def test_missing_table_errors(ddb: Any) -> None:
    name = unique_name("missing")
    expected = (
        "ResourceNotFoundException",
        f"Requested resource not found: Table: {name} not found",
        400,
    )
    assert error_of(ddb.describe_table, TableName=name) == expected
    assert error_of(ddb.delete_table, TableName=name) == expected
    assert error_of(ddb.update_table, TableName=name, BillingMode="PAY_PER_REQUEST") == expected


def test_list_tables_pages_in_name_order(ddb: Any, make_table: TableFactory) -> None:
    prefix = unique_name("list")
    names = [make_table(TableName=f"{prefix}-{i}") for i in (3, 1, 4, 0, 2)]
    seen: list[str] = []
    params: dict[str, Any] = {"Limit": 2}
    pages = 0
    while True:
        page = ddb.list_tables(**params)
        pages += 1
        assert len(page["TableNames"]) <= 2
        seen.extend(page["TableNames"])
        if "LastEvaluatedTableName" not in page:
            break
        assert page["LastEvaluatedTableName"] == page["TableNames"][-1]
        params["ExclusiveStartTableName"] = page["LastEvaluatedTableName"]
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen))
    assert [n for n in seen if n.startswith(prefix)] == sorted(names)
    assert pages >= 3
    after = ddb.list_tables(ExclusiveStartTableName=f"{prefix}-2", Limit=100)["TableNames"]
    assert after[:2] == [f"{prefix}-3", f"{prefix}-4"]
    paginated = ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 3})
    assert sorted(names) == [n for p in paginated for n in p["TableNames"] if n.startswith(prefix)]


def test_list_tables_limit_bounds(ddb: Any) -> None:
    code, message, _ = error_of(ddb.list_tables, Limit=101)
    assert code == "ValidationException"
    assert "Member must have value less than or equal to 100" in message


def test_tables_are_per_region(
    any_server: RunningServer, ddb: Any, make_table: TableFactory
) -> None:
    name = make_table()
    other = client(any_server, "dynamodb", region="eu-west-1")
    assert name not in other.list_tables()["TableNames"]
    code, _, _ = error_of(other.describe_table, TableName=name)
    assert code == "ResourceNotFoundException"
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    # An ARN names its region: the table is found through it from any client.
    assert other.describe_table(TableName=arn)["Table"]["TableName"] == name


def test_update_billing_and_throughput(ddb: Any, make_table: TableFactory) -> None:
    name = make_table(
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    updated = ddb.update_table(
        TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 2}
    )["TableDescription"]
    throughput = updated["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (10, 2)
    assert throughput["NumberOfDecreasesToday"] == 1
    assert "LastIncreaseDateTime" in throughput
    assert "LastDecreaseDateTime" in throughput

    code, message, _ = error_of(
        ddb.update_table,
        TableName=name,
        ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 2},
    )
    assert code == "ValidationException"
    assert message.startswith("The provisioned throughput for the table will not change.")

    on_demand = ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")["TableDescription"]
    assert on_demand["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert on_demand["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert error_of(
        ddb.update_table,
        TableName=name,
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    )[1] == (
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
        "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
    )
    assert error_of(ddb.update_table, TableName=name, BillingMode="PROVISIONED")[1] == (
        "One or more parameter values were invalid: ProvisionedThroughput must be specified "
        "when BillingMode is PROVISIONED"
    )
    back = ddb.update_table(
        TableName=name,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
    )["TableDescription"]
    assert back["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert back["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    described = ddb.describe_table(TableName=name)["Table"]
    assert described["ProvisionedThroughput"]["WriteCapacityUnits"] == 4


def test_update_table_needs_a_change(ddb: Any, make_table: TableFactory) -> None:
    name = make_table()
    code, message, _ = error_of(ddb.update_table, TableName=name)
    assert code == "ValidationException"
    assert message.startswith("At least one of ProvisionedThroughput, BillingMode")


def test_deletion_protection(ddb: Any, make_table: TableFactory) -> None:
    name = make_table(DeletionProtectionEnabled=True)
    assert ddb.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"] is True
    assert error_of(ddb.delete_table, TableName=name) == (
        "ValidationException",
        "Resource cannot be deleted as it is currently protected against deletion. Disable "
        "deletion protection first.",
        400,
    )
    ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    ddb.delete_table(TableName=name)


def test_tags(ddb: Any, make_table: TableFactory) -> None:
    name = make_table(Tags=[{"Key": "team", "Value": "data"}])
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "data"}]
    ddb.tag_resource(
        ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "web"}]
    )
    tags = {t["Key"]: t["Value"] for t in ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]}
    assert tags == {"team": "web", "env": "dev"}
    ddb.untag_resource(ResourceArn=arn, TagKeys=["team", "absent"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]


def test_tag_errors(ddb: Any, make_table: TableFactory) -> None:
    name = make_table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    missing = arn.replace(name, unique_name("gone"))
    assert error_of(ddb.list_tags_of_resource, ResourceArn=missing) == (
        "ResourceNotFoundException",
        f"Requested resource not found: ResourcArn: {missing} not found",
        400,
    )
    assert error_of(ddb.list_tags_of_resource, ResourceArn="a:b:c:d:e:f/g") == (
        "ValidationException",
        "Invalid TableArn: Invalid ResourceArn provided as input a:b:c:d:e:f/g",
        400,
    )
    assert error_of(ddb.tag_resource, ResourceArn=arn, Tags=[])[1] == (
        "Atleast one Tag needs to be provided as Input."
    )
    assert error_of(ddb.untag_resource, ResourceArn=arn, TagKeys=[])[1] == (
        "Atleast one Tag Key needs to be provided as Input."
    )
    assert error_of(ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": "aws:x", "Value": "1"}])[
        1
    ] == ("Tag Key cannot be prefixed with aws:, Key: aws:x")
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    assert error_of(ddb.tag_resource, ResourceArn=arn, Tags=too_many)[1] == (
        "Number of Tags exceed the current limit for the provided ResourceArn"
    )
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == []


def test_resource_api_creates_and_waits(ddb_resource: Any) -> None:
    name = unique_name("res")
    table = ddb_resource.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "word", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "word", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    table.wait_until_exists()
    assert table.table_status == "ACTIVE"
    assert table.key_schema == [{"AttributeName": "word", "KeyType": "HASH"}]
    table.delete()
    table.wait_until_not_exists()


def test_unsupported_features_are_refused(ddb: Any) -> None:
    code, message, _ = error_of(
        ddb.create_table,
        TableName=unique_name(),
        KeySchema=[{"AttributeName": "a", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    assert code == "ValidationException"
    assert "not supported" in message
