"""Versions and aliases through boto3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.functions.api_helpers import create, error_of, zip_of


def test_publish_and_list_versions(any_lam: Any, name: str) -> None:
    created = create(any_lam, name, Description="first")
    one = any_lam.publish_version(FunctionName=name)
    assert one["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert one["Version"] == "1"
    assert one["FunctionArn"] == created["FunctionArn"] + ":1"
    assert one["Description"] == "first"
    again = any_lam.publish_version(FunctionName=name)
    assert again["Version"] == "1"
    assert again["RevisionId"] == one["RevisionId"]
    any_lam.update_function_configuration(FunctionName=name, Description="second")
    two = any_lam.publish_version(FunctionName=name, Description="the second one")
    assert two["Version"] == "2"
    assert two["Description"] == "the second one"
    versions = any_lam.list_versions_by_function(FunctionName=name)["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1", "2"]
    assert [v["FunctionArn"].rsplit(":", 1)[1] for v in versions] == ["$LATEST", "1", "2"]
    page = any_lam.list_versions_by_function(FunctionName=name, MaxItems=2)
    assert [v["Version"] for v in page["Versions"]] == ["$LATEST", "1"]
    rest = any_lam.list_versions_by_function(FunctionName=name, Marker=page["NextMarker"])
    assert [v["Version"] for v in rest["Versions"]] == ["2"]
    assert "NextMarker" not in rest
    old = any_lam.get_function(FunctionName=name, Qualifier="1")["Configuration"]
    assert (old["Version"], old["Description"]) == ("1", "first")
    assert old["FunctionArn"].endswith(":1")


def test_publish_checks_sha_and_revision(lam: Any, name: str) -> None:
    created = create(lam, name)
    with pytest.raises(ClientError) as caught:
        lam.publish_version(FunctionName=name, CodeSha256="wrong")
    assert error_of(caught.value) == (
        "InvalidParameterValueException",
        f"CodeSHA256 (wrong) is different from current CodeSHA256 in $LATEST "
        f"({created['CodeSha256']}). Please try again with the CodeSHA256 in $LATEST.",
        400,
    )
    with pytest.raises(ClientError) as caught:
        lam.publish_version(FunctionName=name, RevisionId="00000000-0000-0000-0000-000000000000")
    assert error_of(caught.value)[:1] == ("PreconditionFailedException",)
    published = lam.publish_version(
        FunctionName=name, CodeSha256=created["CodeSha256"], RevisionId=created["RevisionId"]
    )
    assert published["Version"] == "1"


def test_unknown_version_and_delete_version(any_lam: Any, name: str) -> None:
    arn = create(any_lam, name, Publish=True)["FunctionArn"]
    with pytest.raises(ClientError) as caught:
        any_lam.get_function(FunctionName=name, Qualifier="1221")
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        f"Function not found: {arn}:1221",
        404,
    )
    with pytest.raises(ClientError) as caught:
        any_lam.delete_function(FunctionName=name, Qualifier="$LATEST")
    assert error_of(caught.value) == (
        "InvalidParameterValueException",
        "$LATEST version cannot be deleted without deleting the function.",
        400,
    )
    any_lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    with pytest.raises(ClientError) as caught:
        any_lam.delete_function(FunctionName=name, Qualifier="1")
    assert error_of(caught.value)[0] == "ResourceConflictException"
    any_lam.delete_alias(FunctionName=name, Name="live")
    any_lam.delete_function(FunctionName=name, Qualifier="1")
    with pytest.raises(ClientError):
        any_lam.get_function(FunctionName=name, Qualifier="1")
    assert any_lam.get_function(FunctionName=name)["Configuration"]["Version"] == "$LATEST"


def test_version_keeps_its_code(lam: Any, name: str) -> None:
    first = create(lam, name, Publish=True)
    lam.update_function_code(FunctionName=name, ZipFile=zip_of({"app.py": "x = 1\n"}))
    version = lam.get_function_configuration(FunctionName=name, Qualifier="1")
    assert version["CodeSha256"] == first["CodeSha256"]
    latest = lam.get_function_configuration(FunctionName=name)
    assert latest["CodeSha256"] != first["CodeSha256"]


def test_alias_lifecycle(any_lam: Any, name: str) -> None:
    arn = create(any_lam, name, Environment={"Variables": {"STAGE": "one"}})["FunctionArn"]
    any_lam.publish_version(FunctionName=name)
    any_lam.update_function_configuration(
        FunctionName=name, Environment={"Variables": {"STAGE": "two"}}
    )
    any_lam.publish_version(FunctionName=name)
    created = any_lam.create_alias(
        FunctionName=name,
        Name="live",
        FunctionVersion="1",
        Description="production",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.2}},
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["AliasArn"] == f"{arn}:live"
    assert created["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.2}}
    got = any_lam.get_alias(FunctionName=name, Name="live")
    assert got["RevisionId"] == created["RevisionId"]
    through = any_lam.get_function(FunctionName=name, Qualifier="live")["Configuration"]
    assert through["FunctionArn"] == f"{arn}:live"
    assert through["Version"] == "1"
    assert through["Environment"] == {"Variables": {"STAGE": "one"}}
    any_lam.create_alias(FunctionName=name, Name="beta", FunctionVersion="2")
    listed = any_lam.list_aliases(FunctionName=name)["Aliases"]
    assert [a["Name"] for a in listed] == ["beta", "live"]
    only_two = any_lam.list_aliases(FunctionName=name, FunctionVersion="2")["Aliases"]
    assert [a["Name"] for a in only_two] == ["beta"]
    updated = any_lam.update_alias(
        FunctionName=name, Name="live", FunctionVersion="2", RoutingConfig={}
    )
    assert updated["FunctionVersion"] == "2"
    assert "RoutingConfig" not in updated
    assert updated["RevisionId"] != created["RevisionId"]
    with pytest.raises(ClientError) as caught:
        any_lam.update_alias(FunctionName=name, Name="live", RevisionId=created["RevisionId"])
    assert error_of(caught.value)[0] == "PreconditionFailedException"
    deleted = any_lam.delete_alias(FunctionName=name, Name="live")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as caught:
        any_lam.get_alias(FunctionName=name, Name="live")
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        f"Cannot find alias arn: {arn}:live",
        404,
    )


def test_alias_refusals(lam: Any, name: str) -> None:
    arn = create(lam, name)["FunctionArn"]
    lam.publish_version(FunctionName=name)
    lam.update_function_configuration(FunctionName=name, Description="2")
    lam.publish_version(FunctionName=name)

    def refused(**kwargs: Any) -> tuple[str, str, int]:
        with pytest.raises(ClientError) as caught:
            lam.create_alias(FunctionName=name, **kwargs)
        return error_of(caught.value)

    assert refused(Name="a", FunctionVersion="10") == (
        "ResourceNotFoundException",
        f"Function not found: {arn}:10",
        404,
    )
    assert refused(
        Name="a", FunctionVersion="1", RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}}
    ) == (
        "InvalidParameterValueException",
        "Invalid function version 1. Function version 1 is already included in routing "
        "configuration.",
        400,
    )
    assert (
        refused(
            Name="a",
            FunctionVersion="$LATEST",
            RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}},
        )[1]
        == "$LATEST is not supported for an alias pointing to more than 1 version"
    )
    assert (
        refused(
            Name="a",
            FunctionVersion="1",
            RoutingConfig={"AdditionalVersionWeights": {"2": 0.5, "3": 0.1}},
        )[1]
        == "Number of items in AdditionalVersionWeights cannot be greater than 1"
    )
    lam.create_alias(FunctionName=name, Name="a", FunctionVersion="1")
    assert refused(Name="a", FunctionVersion="1") == (
        "ResourceConflictException",
        f"Alias already exists: {arn}:a",
        409,
    )
    with pytest.raises(ClientError) as caught:
        lam.get_function(FunctionName=name, Qualifier="nope")
    assert error_of(caught.value)[1] == f"Function not found: {arn}:nope"
    with pytest.raises(ClientError) as caught:
        lam.create_alias(FunctionName="missing-fn", Name="a", FunctionVersion="1")
    assert error_of(caught.value)[0] == "ResourceNotFoundException"
