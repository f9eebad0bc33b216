"""Log group tags through both API generations (TagResource by ARN, TagLogGroup by name)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.logs.conftest import GroupFactory, error_of

PREFIX = "arn:aws:logs:us-east-1:000000000000:log-group:"


def test_tags_across_both_apis(logs: Any, make_group: GroupFactory) -> None:
    name = make_group(tags={"env": "testing1"})
    arn = PREFIX + name
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"env": "testing1"}
    logs.tag_resource(resourceArn=arn, tags={"test1": "val1", "test2": "val2"})
    expected = {"env": "testing1", "test1": "val1", "test2": "val2"}
    assert logs.list_tags_log_group(logGroupName=name)["tags"] == expected
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == expected
    logs.tag_log_group(logGroupName=name, tags={"test3": "val3", "env": "prod"})
    expected.update(test3="val3", env="prod")
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == expected
    logs.untag_resource(resourceArn=arn, tagKeys=["env", "test1", "absent"])
    logs.untag_log_group(logGroupName=name, tags=["test3"])
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"test2": "val2"}


def test_at_most_fifty_tags(logs: Any, make_group: GroupFactory) -> None:
    name = make_group(tags={f"k{i}": "v" for i in range(45)})
    with pytest.raises(ClientError) as caught:
        logs.tag_resource(resourceArn=PREFIX + name, tags={f"n{i}": "v" for i in range(6)})
    status, code, _ = error_of(caught)
    assert (status, code) == (400, "TooManyTagsException")
    assert caught.value.response["resourceName"] == PREFIX + name
    assert len(logs.list_tags_log_group(logGroupName=name)["tags"]) == 45
    # Overwriting existing keys does not add to the count.
    logs.tag_resource(resourceArn=PREFIX + name, tags={f"k{i}": "w" for i in range(45)})


def test_tags_of_missing_or_foreign_groups(logs: Any) -> None:
    for arn in (
        PREFIX + "/test/none",
        "arn:aws:logs:eu-west-1:000000000000:log-group:/test/none",
        "arn:aws:logs:us-east-1:000000000000:destination:d",
    ):
        with pytest.raises(ClientError) as caught:
            logs.list_tags_for_resource(resourceArn=arn)
        assert error_of(caught)[:2] == (400, "ResourceNotFoundException")
    with pytest.raises(ClientError) as caught:
        logs.tag_resource(resourceArn="arn:aws:sqs:us-east-1:1:q", tags={"a": "b"})
    assert error_of(caught)[:2] == (400, "InvalidParameterException")
    with pytest.raises(ClientError) as caught:
        logs.list_tags_log_group(logGroupName="/test/none")
    assert error_of(caught) == (
        400,
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    )
