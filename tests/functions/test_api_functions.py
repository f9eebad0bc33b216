"""The function lifecycle through boto3: create, read, list, update, delete, and their errors."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.clients import client
from tests.functions.api_helpers import ECHO, ROLE, create, error_of, zip_of
from tests.servers import RunningServer

LAST_MODIFIED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")


def test_create_function_reports_the_configuration(any_lam: Any, name: str) -> None:
    code = zip_of({"app.py": ECHO})
    created = any_lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": code},
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["FunctionName"] == name
    assert created["FunctionArn"] == f"arn:aws:lambda:us-east-1:000000000000:function:{name}"
    assert created["CodeSha256"] == base64.b64encode(hashlib.sha256(code).digest()).decode()
    assert created["CodeSize"] == len(code)
    assert created["Timeout"] == 3
    assert created["MemorySize"] == 128
    assert created["EphemeralStorage"] == {"Size": 512}
    assert created["Version"] == "$LATEST"
    assert created["State"] == "Active"
    assert created["LastUpdateStatus"] == "Successful"
    assert created["PackageType"] == "Zip"
    assert created["Architectures"] == ["x86_64"]
    assert created["Role"] == ROLE
    assert LAST_MODIFIED.match(created["LastModified"])
    assert re.match(r"^[0-9a-f-]{36}$", created["RevisionId"])
    assert "Environment" not in created
    assert created["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}


def test_create_with_everything(lam: Any, name: str) -> None:
    created = create(
        lam,
        name,
        Description="counts words",
        Timeout=30,
        MemorySize=256,
        Environment={"Variables": {"TABLE": "words"}},
        EphemeralStorage={"Size": 1024},
        DeadLetterConfig={"TargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq"},
        Tags={"team": "words"},
    )
    assert created["Description"] == "counts words"
    assert created["Timeout"] == 30
    assert created["MemorySize"] == 256
    assert created["Environment"] == {"Variables": {"TABLE": "words"}}
    assert created["EphemeralStorage"] == {"Size": 1024}
    assert created["DeadLetterConfig"] == {"TargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq"}
    got = lam.get_function(FunctionName=name)
    assert got["Tags"] == {"team": "words"}
    assert got["Code"]["RepositoryType"] == "S3"
    assert got["Configuration"]["Environment"] == {"Variables": {"TABLE": "words"}}


def test_waiters_pass_at_once(lam: Any, name: str) -> None:
    create(lam, name)
    lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1})
    lam.update_function_configuration(FunctionName=name, Timeout=10)
    lam.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1})
    lam.get_waiter("function_exists").wait(FunctionName=name, WaiterConfig={"Delay": 1})


def test_duplicate_name_conflicts(any_lam: Any, name: str) -> None:
    create(any_lam, name)
    with pytest.raises(ClientError) as caught:
        create(any_lam, name)
    assert error_of(caught.value) == (
        "ResourceConflictException",
        f"Function already exist: {name}",
        409,
    )
    assert caught.value.response["Type"] == "User"


def test_unknown_function_is_404(any_lam: Any) -> None:
    arn = "arn:aws:lambda:us-east-1:000000000000:function:nope"
    for call in (any_lam.get_function, any_lam.get_function_configuration, any_lam.delete_function):
        with pytest.raises(ClientError) as caught:
            call(FunctionName="nope")
        assert error_of(caught.value) == (
            "ResourceNotFoundException",
            f"Function not found: {arn}",
            404,
        )
    with pytest.raises(ClientError) as caught:
        any_lam.get_function(FunctionName="nope", Qualifier="$LATEST")
    assert error_of(caught.value)[1] == f"Function not found: {arn}:$LATEST"


def test_function_named_by_arn_partial_arn_and_qualifier(lam: Any, name: str) -> None:
    created = create(lam, name)
    arn = created["FunctionArn"]
    for reference in (arn, f"000000000000:function:{name}"):
        assert lam.get_function(FunctionName=reference)["Configuration"]["FunctionArn"] == arn
    latest = lam.get_function_configuration(FunctionName=f"{arn}:$LATEST")
    assert latest["FunctionArn"] == f"{arn}:$LATEST"
    with pytest.raises(ClientError) as caught:
        lam.get_function(FunctionName=f"{arn}:$LATEST", Qualifier="1")
    assert error_of(caught.value) == (
        "InvalidParameterValueException",
        "The derived qualifier from the function name does not match the specified qualifier.",
        400,
    )
    other = arn.replace("us-east-1", "eu-west-1")
    with pytest.raises(ClientError) as caught:
        lam.get_function(FunctionName=other)
    assert error_of(caught.value) == (
        "ResourceNotFoundException",
        "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
        404,
    )


def test_functions_are_per_region(server: RunningServer, name: str) -> None:
    east = client(server, "lambda")
    west = client(server, "lambda", region="us-west-2")
    create(east, name)
    with pytest.raises(ClientError):
        west.get_function(FunctionName=name)
    assert name not in [f["FunctionName"] for f in west.list_functions()["Functions"]]


def test_list_functions_pages(any_server: RunningServer) -> None:
    # A region of its own so that other tests' functions do not show up.
    lam = client(any_server, "lambda", region="ap-south-1")
    names = [f"page-{i}" for i in range(5)]
    for each in names:
        create(lam, each)
    seen: list[str] = []
    kwargs: dict[str, Any] = {"MaxItems": 2}
    while True:
        page = lam.list_functions(**kwargs)
        assert len(page["Functions"]) <= 2
        seen += [f["FunctionName"] for f in page["Functions"]]
        if "NextMarker" not in page:
            break
        kwargs["Marker"] = page["NextMarker"]
    assert seen == names
    item = lam.list_functions()["Functions"][0]
    assert "State" not in item
    assert item["FunctionArn"].endswith(":function:page-0")
    paginated = [
        f["FunctionName"]
        for page in lam.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 3})
        for f in page["Functions"]
    ]
    assert paginated == names
    lam.publish_version(FunctionName="page-0")
    every = lam.list_functions(FunctionVersion="ALL")["Functions"]
    arns = [f["FunctionArn"].split(":function:")[1] for f in every]
    assert arns[:3] == ["page-0:$LATEST", "page-0:1", "page-1:$LATEST"]


def test_update_configuration(any_lam: Any, name: str) -> None:
    created = create(any_lam, name)
    updated = any_lam.update_function_configuration(
        FunctionName=name,
        Timeout=20,
        MemorySize=512,
        Description="changed",
        Environment={"Variables": {"AB": "1"}},
        Handler="app.other",
        Runtime="python3.11",
    )
    assert (updated["Timeout"], updated["MemorySize"], updated["Description"]) == (
        20,
        512,
        "changed",
    )
    assert updated["Environment"] == {"Variables": {"AB": "1"}}
    assert (updated["Handler"], updated["Runtime"]) == ("app.other", "python3.11")
    assert updated["RevisionId"] != created["RevisionId"]
    assert updated["CodeSha256"] == created["CodeSha256"]
    again = any_lam.get_function_configuration(FunctionName=name)
    assert again["Timeout"] == 20
    with pytest.raises(ClientError) as caught:
        any_lam.update_function_configuration(
            FunctionName=name, Timeout=5, RevisionId=created["RevisionId"]
        )
    code, message, status = error_of(caught.value)
    assert (code, status) == ("PreconditionFailedException", 412)
    assert message.startswith("The Revision Id provided does not match the latest Revision Id.")
    assert any_lam.get_function_configuration(FunctionName=name)["Timeout"] == 20


def test_update_code(any_lam: Any, name: str) -> None:
    created = create(any_lam, name)
    new_code = zip_of({"app.py": "def handler(e, c):\n    return 2\n"})
    updated = any_lam.update_function_code(FunctionName=name, ZipFile=new_code)
    assert updated["CodeSha256"] == base64.b64encode(hashlib.sha256(new_code).digest()).decode()
    assert updated["CodeSha256"] != created["CodeSha256"]
    assert updated["CodeSize"] == len(new_code)
    published = any_lam.update_function_code(
        FunctionName=name, ZipFile=zip_of({"app.py": ECHO}), Publish=True
    )
    assert published["Version"] == "1"
    assert published["FunctionArn"].endswith(f"{name}:1")
    dry = any_lam.update_function_code(FunctionName=name, ZipFile=new_code, DryRun=True)
    assert dry["CodeSha256"] == published["CodeSha256"]
    assert (
        any_lam.get_function(FunctionName=name)["Configuration"]["CodeSha256"]
        == published["CodeSha256"]
    )


def _refused(lam: Any, name: str, **kwargs: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        create(lam, name, **kwargs)
    return error_of(caught.value)


def test_create_refusals(any_lam: Any, name: str) -> None:
    bad_zip = _refused(any_lam, name, Code={"ZipFile": b"not a zip"})
    assert bad_zip == (
        "InvalidParameterValueException",
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
        400,
    )
    old = _refused(any_lam, name, Runtime="python3.7")
    assert old[0] == "InvalidParameterValueException"
    assert old[1].startswith("The runtime parameter of python3.7 is no longer supported")
    node = _refused(any_lam, name, Runtime="nodejs20.x")
    assert node[0] == "InvalidParameterValueException"
    assert "python3.9" in node[1]
    role = _refused(any_lam, name, Role="r1")
    assert role[0] == "ValidationException"
    assert "Value 'r1' at 'role' failed to satisfy constraint" in role[1]
    assert _refused(any_lam, name, Timeout=901) == (
        "ValidationException",
        "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: "
        "Member must have value less than or equal to 900",
        400,
    )
    assert _refused(any_lam, name, MemorySize=10241)[0] == "ValidationException"
    reserved = _refused(any_lam, name, Environment={"Variables": {"AWS_REGION": "x", "AB": "1"}})
    assert reserved[1].endswith("Reserved keys used in this request: AWS_REGION")
    large = _refused(any_lam, name, Environment={"Variables": {"BIG": "x" * 4100}})
    assert 'exceeded the 4KB limit. String measured: {"BIG":' in large[1]
    image = _refused(any_lam, name, PackageType="Image", Code={"ImageUri": "repo/image:1"})
    assert image[0] == "InvalidParameterValueException"
    s3 = _refused(any_lam, name, Code={"S3Bucket": "no-such-bucket", "S3Key": "app.zip"})
    assert "NoSuchBucket" in s3[1]
    with pytest.raises(ClientError) as caught:
        any_lam.create_function(
            FunctionName=name, Role=ROLE, Code={"ZipFile": zip_of({"app.py": ECHO})}
        )
    assert error_of(caught.value) == (
        "InvalidParameterValueException",
        "Runtime and Handler are mandatory parameters for functions created with deployment "
        "packages.",
        400,
    )
    with pytest.raises(ClientError):
        any_lam.get_function(FunctionName=name)


def test_delete_function(any_lam: Any, name: str) -> None:
    create(any_lam, name, Publish=True)
    deleted = any_lam.delete_function(FunctionName=name)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as caught:
        any_lam.get_function(FunctionName=name)
    assert error_of(caught.value)[2] == 404
    with pytest.raises(ClientError) as caught:
        any_lam.get_function(FunctionName=name, Qualifier="1")
    assert error_of(caught.value)[2] == 404
    create(any_lam, name)
    assert "Tags" not in any_lam.get_function(FunctionName=name)


def test_local_folder_code(lam: Any, name: str, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(ECHO)
    created = create(lam, name, Code={"S3Bucket": "skybus-local", "S3Key": str(tmp_path)})
    assert created["CodeSize"] == len(ECHO)
    assert created["State"] == "Active"
    with pytest.raises(ClientError) as caught:
        create(lam, name + "x", Code={"S3Bucket": "skybus-local", "S3Key": "relative/path"})
    assert error_of(caught.value)[0] == "InvalidParameterValueException"


def test_account_settings(server: RunningServer) -> None:
    lam = client(server, "lambda", region="sa-east-1")
    before = lam.get_account_settings()
    assert before["AccountLimit"]["ConcurrentExecutions"] == 1000
    assert before["AccountLimit"]["CodeSizeZipped"] == 52428800
    assert before["AccountLimit"]["CodeSizeUnzipped"] == 262144000
    created = create(lam, "settings-fn")
    lam.put_function_concurrency(FunctionName="settings-fn", ReservedConcurrentExecutions=10)
    after = lam.get_account_settings()
    assert after["AccountUsage"]["FunctionCount"] == before["AccountUsage"]["FunctionCount"] + 1
    assert after["AccountUsage"]["TotalCodeSize"] >= created["CodeSize"]
    assert after["AccountLimit"]["UnreservedConcurrentExecutions"] == 990
