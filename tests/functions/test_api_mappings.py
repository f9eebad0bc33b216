"""Event source mappings for SQS: the API through boto3 against real servers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.functions.api_helpers import error_of
from tests.functions.mapping_support import _setup, _wait_for
from tests.servers import RunningServer

# --- the API -----------------------------------------------------------------------------------


def test_lifecycle_states_and_answers(any_server: RunningServer, tmp_path: Path) -> None:
    s = _setup(any_server, tmp_path)
    made = s.lam.create_event_source_mapping(EventSourceArn=s.arn, FunctionName=s.function)
    assert made["ResponseMetadata"]["HTTPStatusCode"] == 202
    mapping_id = made["UUID"]
    assert made["State"] == "Creating"
    assert made["BatchSize"] == 10
    assert made["MaximumBatchingWindowInSeconds"] == 0
    assert made["FunctionResponseTypes"] == []
    assert made["StateTransitionReason"] == "USER_INITIATED"
    assert made["EventSourceArn"] == s.arn
    assert made["FunctionArn"].endswith(f":function:{s.function}")
    assert made["EventSourceMappingArn"].endswith(f":event-source-mapping:{mapping_id}")
    assert "ScalingConfig" not in made
    _wait_for(lambda: s.state(mapping_id) == "Enabled", 5)

    updated = s.lam.update_event_source_mapping(
        UUID=mapping_id,
        BatchSize=100,
        MaximumBatchingWindowInSeconds=2,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        ScalingConfig={"MaximumConcurrency": 3},
    )
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert updated["State"] == "Updating"
    assert (updated["BatchSize"], updated["MaximumBatchingWindowInSeconds"]) == (100, 2)
    assert updated["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert updated["ScalingConfig"] == {"MaximumConcurrency": 3}
    _wait_for(lambda: s.state(mapping_id) == "Enabled", 5)

    assert s.lam.update_event_source_mapping(UUID=mapping_id, Enabled=False)["State"] == "Disabling"
    _wait_for(lambda: s.state(mapping_id) == "Disabled", 5)
    assert s.lam.update_event_source_mapping(UUID=mapping_id, Enabled=True)["State"] == "Enabling"
    _wait_for(lambda: s.state(mapping_id) == "Enabled", 5)

    deleted = s.lam.delete_event_source_mapping(UUID=mapping_id)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert deleted["State"] == "Deleting"

    def gone() -> bool:
        try:
            s.lam.get_event_source_mapping(UUID=mapping_id)
        except ClientError as exc:
            return error_of(exc)[2] == 404
        return False

    _wait_for(gone, 5)
    assert s.lam.list_event_source_mappings(EventSourceArn=s.arn)["EventSourceMappings"] == []


def test_created_disabled_and_listed_with_filters_and_pages(
    server: RunningServer, tmp_path: Path
) -> None:
    s = _setup(server, tmp_path)
    other = _setup(server, tmp_path)
    made = s.lam.create_event_source_mapping(
        EventSourceArn=s.arn, FunctionName=s.function, Enabled=False
    )
    assert made["State"] == "Disabled"
    s.lam.create_event_source_mapping(EventSourceArn=s.arn, FunctionName=other.function)
    s.lam.create_event_source_mapping(EventSourceArn=other.arn, FunctionName=s.function)

    by_queue = s.lam.list_event_source_mappings(EventSourceArn=s.arn)["EventSourceMappings"]
    assert {m["FunctionArn"].rsplit(":", 1)[1] for m in by_queue} == {s.function, other.function}
    by_function = s.lam.list_event_source_mappings(FunctionName=s.function)["EventSourceMappings"]
    assert {m["EventSourceArn"] for m in by_function} == {s.arn, other.arn}
    both = s.lam.list_event_source_mappings(FunctionName=s.function, EventSourceArn=s.arn)
    assert [m["UUID"] for m in both["EventSourceMappings"]] == [made["UUID"]]

    first = s.lam.list_event_source_mappings(FunctionName=s.function, MaxItems=1)
    assert len(first["EventSourceMappings"]) == 1
    second = s.lam.list_event_source_mappings(
        FunctionName=s.function, MaxItems=1, Marker=first["NextMarker"]
    )
    assert len(second["EventSourceMappings"]) == 1
    assert "NextMarker" not in second
    seen = {first["EventSourceMappings"][0]["UUID"], second["EventSourceMappings"][0]["UUID"]}
    assert seen == {m["UUID"] for m in by_function}


def _refused(call: Callable[[], Any]) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    return error_of(caught.value)


def test_bad_requests_get_lambdas_errors_and_change_nothing(
    server: RunningServer, tmp_path: Path
) -> None:
    s = _setup(server, tmp_path, visibility=2)
    fifo = _setup(server, tmp_path, fifo=True)
    lam = s.lam

    def make(**kwargs: Any) -> Callable[[], Any]:
        params = {"EventSourceArn": s.arn, "FunctionName": s.function, **kwargs}
        return lambda: lam.create_event_source_mapping(**params)

    window = (
        "InvalidParameterValueException",
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is "
        "greater than 10",
        400,
    )
    assert _refused(make(BatchSize=11)) == window
    assert _refused(make(FunctionName="no-such-function")) == (
        "InvalidParameterValueException",
        "Function does not exist",
        400,
    )
    missing = s.arn + "-missing"
    code, message, status = _refused(make(EventSourceArn=missing))
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert "AWS.SimpleQueueService.NonExistentQueue" in message
    assert _refused(make(StartingPosition="LATEST"))[1] == (
        "StartingPosition is not valid for SQS event sources."
    )
    assert _refused(make(MaximumRetryAttempts=3))[1] == (
        "Unsupported MaximumRetryAttempts parameter for given event source mapping type."
    )
    assert _refused(make(EventSourceArn="arn:aws:sns:us-east-1:000000000000:topic"))[1] == (
        "Unrecognized event source."
    )
    filters = {"Filters": [{"Pattern": '{"body": {"a": ["b"]}}'}]}
    assert _refused(make(FilterCriteria=filters))[0] == "InvalidParameterValueException"
    assert (
        _refused(
            lambda: lam.create_event_source_mapping(
                EventSourceArn=fifo.arn,
                FunctionName=fifo.function,
                MaximumBatchingWindowInSeconds=1,
            )
        )[1]
        == "Batching window is not supported for FIFO queues"
    )
    lam.update_function_configuration(FunctionName=s.function, Timeout=5)
    _wait_for(
        lambda: (
            lam.get_function(FunctionName=s.function)["Configuration"]["LastUpdateStatus"]
            == "Successful"
        )
    )
    assert _refused(make()) == (
        "InvalidParameterValueException",
        "Queue visibility timeout: 2 seconds is less than Function timeout: 5 seconds",
        400,
    )
    assert lam.list_event_source_mappings(EventSourceArn=s.arn)["EventSourceMappings"] == []
    lam.update_function_configuration(FunctionName=s.function, Timeout=1)
    _wait_for(
        lambda: (
            lam.get_function(FunctionName=s.function)["Configuration"]["LastUpdateStatus"]
            == "Successful"
        )
    )

    mapping_id = make()()["UUID"]
    code, message, status = _refused(make())
    assert (code, status) == ("ResourceConflictException", 409)
    assert message == (
        f'An event source mapping with SQS arn (" {s.arn} ") and function (" {s.function} ") '
        f"already exists. Please update or delete the existing mapping with UUID {mapping_id}"
    )
    assert _refused(lambda: lam.update_event_source_mapping(UUID=mapping_id, BatchSize=50)) == (
        window
    )
    assert _refused(
        lambda: lam.update_event_source_mapping(UUID=mapping_id, FunctionName="no-such-function")
    ) == ("InvalidParameterValueException", "Function does not exist", 400)
    assert lam.get_event_source_mapping(UUID=mapping_id)["BatchSize"] == 10

    unknown = str(uuid.uuid4())
    not_found = ("ResourceNotFoundException", "The resource you requested does not exist.", 404)
    assert _refused(lambda: lam.get_event_source_mapping(UUID=unknown)) == not_found
    assert _refused(lambda: lam.update_event_source_mapping(UUID=unknown, BatchSize=1)) == (
        not_found
    )
    assert _refused(lambda: lam.delete_event_source_mapping(UUID=unknown)) == not_found
