"""Invoke through boto3 against real handlers running in Skybus's workers."""

from __future__ import annotations

import base64
import concurrent.futures
import json
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.functions.api_helpers import create, error_of, zip_of

CONTEXT = """
import json, os

def handler(event, context):
    return {
        "event": event,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "remaining": context.get_remaining_time_in_millis(),
        "custom": context.client_context.custom if context.client_context else None,
        "table": os.environ.get("TABLE"),
    }
"""

FAILING = """
def handler(event, context):
    print("about to fail")
    raise ValueError("no good: " + str(event.get("n")))
"""

SLOW = """
import time

def handler(event, context):
    time.sleep(event.get("sleep", 1))
    return "slept"
"""


def _payload(result: dict[str, Any]) -> Any:
    return json.loads(result["Payload"].read())


def test_request_response(any_lam: Any, name: str) -> None:
    arn = create(any_lam, name, CONTEXT, Environment={"Variables": {"TABLE": "words"}})[
        "FunctionArn"
    ]
    result = any_lam.invoke(FunctionName=name, Payload=b'{"text": "hi"}')
    assert result["StatusCode"] == 200
    assert result["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in result
    assert "LogResult" not in result
    body = _payload(result)
    assert body["event"] == {"text": "hi"}
    assert body["function_name"] == name
    assert body["function_version"] == "$LATEST"
    # The handler sees the ARN the caller named: unqualified here, the alias's ARN below.
    assert body["invoked_function_arn"] == arn
    version = any_lam.publish_version(FunctionName=name)["Version"]
    any_lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    by_alias = _payload(any_lam.invoke(FunctionName=name, Qualifier="live", Payload=b"{}"))
    assert by_alias["invoked_function_arn"] == f"{arn}:live"
    assert by_alias["function_version"] == version
    assert body["memory_limit_in_mb"] == "128"
    assert body["aws_request_id"] == result["ResponseMetadata"]["RequestId"]
    assert body["log_group_name"] == f"/aws/lambda/{name}"
    assert 0 < body["remaining"] <= 3000
    assert body["table"] == "words"


def test_empty_payload_is_an_empty_object(lam: Any, name: str) -> None:
    create(lam, name)
    assert _payload(lam.invoke(FunctionName=name)) == {}


def test_function_error_is_200_with_the_error_object(any_lam: Any, name: str) -> None:
    create(any_lam, name, FAILING)
    result = any_lam.invoke(FunctionName=name, Payload=b'{"n": 7}', LogType="Tail")
    assert result["StatusCode"] == 200
    assert result["FunctionError"] == "Unhandled"
    error = _payload(result)
    assert error["errorType"] == "ValueError"
    assert error["errorMessage"] == "no good: 7"
    assert error["requestId"] == result["ResponseMetadata"]["RequestId"]
    assert isinstance(error["stackTrace"], list)
    log = base64.b64decode(result["LogResult"]).decode()
    assert "about to fail" in log
    assert f"END RequestId: {error['requestId']}" in log
    assert "REPORT RequestId:" in log


def test_log_tail(lam: Any, name: str) -> None:
    create(lam, name, "def handler(e, c):\n    print('x' * 5000)\n    print('hello log')\n")
    result = lam.invoke(FunctionName=name, LogType="Tail")
    log = base64.b64decode(result["LogResult"])
    assert len(log) <= 4096
    text = log.decode()
    assert "hello log" in text
    assert "REPORT RequestId:" in text


def test_dry_run_and_unknown_functions(any_lam: Any, name: str) -> None:
    arn = create(any_lam, name)["FunctionArn"]
    dry = any_lam.invoke(FunctionName=name, InvocationType="DryRun")
    assert dry["StatusCode"] == 204
    assert dry["Payload"].read() == b""
    for kwargs in ({"FunctionName": "nope"}, {"FunctionName": name, "Qualifier": "7"}):
        with pytest.raises(ClientError) as caught:
            any_lam.invoke(**kwargs)
        code, message, status = error_of(caught.value)
        assert (code, status) == ("ResourceNotFoundException", 404)
        assert message.startswith("Function not found: arn:aws:lambda:us-east-1:000000000000:")
    with pytest.raises(ClientError) as caught:
        any_lam.invoke(FunctionName=name, Qualifier="alias-nope")
    assert error_of(caught.value)[1] == f"Function not found: {arn}:alias-nope"


def test_bad_payloads(lam: Any, name: str) -> None:
    create(lam, name)
    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName=name, Payload=b"{not json")
    code, message, status = error_of(caught.value)
    assert (code, status) == ("InvalidRequestContentException", 400)
    assert message.startswith("Could not parse request body into json: ")
    big = b'"' + b"x" * (6 * 1024 * 1024) + b'"'
    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName=name, Payload=big)
    assert error_of(caught.value) == (
        "RequestEntityTooLargeException",
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
        413,
    )
    event = b'"' + b"x" * (256 * 1024) + b'"'
    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName=name, Payload=event, InvocationType="Event")
    assert error_of(caught.value) == (
        "RequestEntityTooLargeException",
        f"{len(event)} byte payload is too large for the Event invocation type "
        "(limit 262144 bytes)",
        413,
    )


def test_versions_and_aliases_run_their_own_code(lam: Any, name: str) -> None:
    create(lam, name, "def handler(e, c):\n    return 'one'\n", Publish=True)
    lam.update_function_code(
        FunctionName=name, ZipFile=zip_of({"app.py": "def handler(e, c):\n    return 'two'\n"})
    )
    lam.create_alias(FunctionName=name, Name="stable", FunctionVersion="1")
    latest = lam.invoke(FunctionName=name)
    assert (_payload(latest), latest["ExecutedVersion"]) == ("two", "$LATEST")
    one = lam.invoke(FunctionName=name, Qualifier="1")
    assert (_payload(one), one["ExecutedVersion"]) == ("one", "1")
    stable = lam.invoke(FunctionName=f"{name}:stable")
    assert (_payload(stable), stable["ExecutedVersion"]) == ("one", "1")


def test_client_context(lam: Any, name: str) -> None:
    create(lam, name, CONTEXT)
    context = base64.b64encode(json.dumps({"custom": {"user": "ann"}}).encode()).decode()
    result = lam.invoke(FunctionName=name, ClientContext=context)
    assert _payload(result)["custom"] == {"user": "ann"}
    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName=name, ClientContext="!!not base64!!")
    assert error_of(caught.value)[0] == "InvalidRequestContentException"


def test_throttles_are_429(lam: Any, name: str) -> None:
    create(lam, name, SLOW, Timeout=10)
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as caught:
        lam.invoke(FunctionName=name, Payload=b'{"sleep": 0}')
    assert error_of(caught.value) == ("TooManyRequestsException", "Rate Exceeded.", 429)
    assert caught.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
    lam.invoke(FunctionName=name, Payload=b'{"sleep": 0}')

    def call(_: int) -> str:
        try:
            lam.invoke(FunctionName=name, Payload=b'{"sleep": 1}')
        except ClientError as exc:
            return str(error_of(exc)[0])
        return "ok"

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(call, range(2)))
    assert outcomes == ["TooManyRequestsException", "ok"]


def test_code_updates_take_effect(lam: Any, name: str) -> None:
    create(lam, name, "def handler(e, c):\n    return 1\n")
    assert _payload(lam.invoke(FunctionName=name)) == 1
    lam.update_function_code(
        FunctionName=name, ZipFile=zip_of({"app.py": "def handler(e, c):\n    return 2\n"})
    )
    assert _payload(lam.invoke(FunctionName=name)) == 2
    lam.update_function_configuration(FunctionName=name, Handler="app.other")
    broken = lam.invoke(FunctionName=name)
    assert broken["FunctionError"] == "Unhandled"
    assert _payload(broken)["errorType"] == "Runtime.HandlerNotFound"


def test_local_folder_reloads_on_a_new_worker(lam: Any, name: str, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handler(e, c):\n    return 'v1'\n")
    create(lam, name, Code={"S3Bucket": "skybus-local", "S3Key": str(tmp_path)})
    assert _payload(lam.invoke(FunctionName=name)) == "v1"
    (tmp_path / "app.py").write_text("def handler(e, c):\n    return 'v2, edited'\n")
    # Any configuration change starts new workers, which import the folder as it is now.
    lam.update_function_configuration(FunctionName=name, Description="reload")
    assert _payload(lam.invoke(FunctionName=name)) == "v2, edited"


def test_local_folder_edits_reach_the_next_invocation(lam: Any, name: str, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handler(e, c):\n    return 'before'\n")
    create(lam, name, Code={"S3Bucket": "skybus-local", "S3Key": str(tmp_path)})
    assert _payload(lam.invoke(FunctionName=name)) == "before"
    # An edit alone, no API call: the warm worker is replaced by one that imports the edit.
    (tmp_path / "helper.py").write_text("WORD = 'after'\n")
    (tmp_path / "app.py").write_text(
        "from helper import WORD\n\ndef handler(e, c):\n    return WORD\n"
    )
    deadline = time.monotonic() + 10
    result = None
    while time.monotonic() < deadline:
        result = _payload(lam.invoke(FunctionName=name))
        if result == "after":
            break
        time.sleep(0.2)
    assert result == "after"


def test_event_and_invoke_async_run_the_function(any_lam: Any, name: str, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    source = (
        "import os\n\ndef handler(event, context):\n"
        "    with open(os.environ['MARKER'], 'a') as out:\n"
        "        out.write(event['id'] + '\\n')\n"
    )
    create(any_lam, name, source, Environment={"Variables": {"MARKER": str(marker)}})
    queued = any_lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"id": "a"}')
    assert queued["StatusCode"] == 202
    assert queued["Payload"].read() == b""
    legacy = any_lam.invoke_async(FunctionName=name, InvokeArgs=b'{"id": "b"}')
    assert legacy["Status"] == 202
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if marker.exists() and sorted(marker.read_text().split()) == ["a", "b"]:
            break
        time.sleep(0.05)
    assert sorted(marker.read_text().split()) == ["a", "b"]
