"""Unit tests of the functions engine's pure parts: names, retry rules, records, zip checks."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from skybus import limits
from skybus.config import Settings
from skybus.engines.functions import arns, code, records, render, retry_policy
from skybus.engines.functions.destinations import PENDING, PendingDelivery
from skybus.engines.functions.engine import FunctionsEngine
from skybus.engines.functions.records import Outcome
from skybus.node import Node
from skybus.store.contract import Tx
from skybus.wire.errors import ServiceError


def test_function_references() -> None:
    parse = arns.parse
    assert parse("f", "000000000000", "us-east-1") == arns.FunctionRef(
        "000000000000", "us-east-1", "f", None
    )
    assert parse("f:prod", "000000000000", "us-east-1").qualifier == "prod"
    assert parse("000000000000:function:f:3", "000000000000", "us-east-1").qualifier == "3"
    full = "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST"
    ref = parse(full, "000000000000", "us-east-1", "$LATEST")
    assert ref.qualified_arn == full
    assert ref.arn == full.rsplit(":", 1)[0]
    with pytest.raises(ServiceError) as caught:
        parse(full, "000000000000", "us-east-1", "1")
    assert caught.value.code == "InvalidParameterValueException"
    with pytest.raises(ServiceError) as caught:
        parse(full.replace("us-east-1", "eu-west-1"), "000000000000", "us-east-1")
    assert caught.value.message == (
        "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')"
    )
    assert arns.parse_arn("f") is None
    assert arns.parse_arn(full) == arns.FunctionRef("000000000000", "us-east-1", "f", "$LATEST")


def test_retry_spacing_follows_lambda() -> None:
    rules = retry_policy.Limits()
    first = retry_policy.after_function_error(1, 0.0, rules, 1.0)
    second = retry_policy.after_function_error(2, 60.0, rules, 1.0)
    third = retry_policy.after_function_error(3, 180.0, rules, 1.0)
    assert (first.action, first.delay) == (retry_policy.RETRY, 60.0)
    assert (second.action, second.delay) == (retry_policy.RETRY, 120.0)
    assert (third.action, third.condition) == (retry_policy.FAIL, records.RETRIES_EXHAUSTED)
    no_retries = retry_policy.Limits(max_retries=0)
    assert retry_policy.after_function_error(1, 0.0, no_retries, 1.0).action == retry_policy.FAIL
    young = retry_policy.Limits(max_age=60)
    aged = retry_policy.after_function_error(1, 10.0, young, 1.0)
    assert (aged.action, aged.condition) == (retry_policy.FAIL, records.EVENT_AGE_EXCEEDED)
    assert retry_policy.after_function_error(1, 0.0, rules, 0.01).delay == pytest.approx(0.6)


def test_throttle_backoff_grows_to_five_minutes() -> None:
    rules = retry_policy.Limits()
    delays = [retry_policy.after_throttle(n, 0.0, rules, 1.0).delay for n in range(1, 12)]
    assert delays[:4] == [1.0, 2.0, 4.0, 8.0]
    assert delays[-1] == limits.LAMBDA_ASYNC_BACKOFF_MAX_SECONDS
    late = retry_policy.after_throttle(3, 6 * 3600 - 1, rules, 1.0)
    assert (late.action, late.condition) == (retry_policy.FAIL, records.EVENT_AGE_EXCEEDED)


def test_destination_record_and_dlq_attributes() -> None:
    outcome = Outcome(
        request_id="r-1",
        function_arn="arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST",
        condition=records.RETRIES_EXHAUSTED,
        invocations=3,
        request_payload=b'{"a": 1}',
        status_code=200,
        executed_version="$LATEST",
        function_error="Unhandled",
        response_payload=b'{"errorMessage": "' + b"m" * 2000 + b'", "errorType": "E"}',
    )
    record = json.loads(records.destination_record(outcome, 1700000000.5))
    assert record["version"] == "1.0"
    assert record["timestamp"] == "2023-11-14T22:13:20.500Z"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestPayload"] == {"a": 1}
    assert record["responseContext"]["functionError"] == "Unhandled"
    attributes = records.dead_letter_attributes(outcome)
    assert attributes["ErrorCode"] == {"DataType": "Number", "StringValue": "200"}
    assert attributes["RequestID"]["StringValue"] == "r-1"
    assert len(attributes["ErrorMessage"]["StringValue"]) == limits.LAMBDA_DLQ_ERROR_MESSAGE_BYTES


def test_zip_checks() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("big.bin", b"\0" * 10)
        # The central directory claims what the zip would unpack to: one byte over the limit.
        archive.infolist()[0].file_size = limits.LAMBDA_MAX_UNZIPPED_BYTES + 1
    with pytest.raises(ServiceError) as caught:
        code.from_zip(buffer.getvalue())
    assert caught.value.message == "Unzipped size must be smaller than 262144000 bytes"
    with pytest.raises(ServiceError) as caught:
        code.from_zip(b"PK\x03\x04 broken")
    assert caught.value.message is not None
    assert caught.value.message.startswith("Could not unzip uploaded file.")
    small = io.BytesIO()
    with zipfile.ZipFile(small, "w") as archive:
        archive.writestr("app.py", "x = 1\n")
    upload = code.from_zip(small.getvalue())
    assert upload.ref.chunks == 1
    assert len(upload.ref.digest) == 64


def test_last_modified_format() -> None:
    assert render.last_modified(1700000000.123) == "2023-11-14T22:13:20.123+0000"


async def test_undeliverable_records_are_kept(tmp_path: Path) -> None:
    """A destination whose engine is missing keeps the record in the store, and a later flush
    delivers what has become deliverable."""
    node = Node(Settings(data_dir=tmp_path))
    engine = node.engine(FunctionsEngine)
    await node.start()
    try:
        target = "arn:aws:events:us-east-1:000000000000:event-bus/default"
        await engine.destinations.send(target, b'{"version": "1.0"}')

        async def pending(tx: Tx) -> list[PendingDelivery]:
            return await PENDING.scan(tx)

        kept = await node.store.read(pending)
        assert [(p.target, p.body) for p in kept] == [(target, b'{"version": "1.0"}')]
        assert "events" in kept[0].reason
        assert await engine.destinations.flush_pending() == 0
        assert len(await node.store.read(pending)) == 1
    finally:
        await node.stop()
