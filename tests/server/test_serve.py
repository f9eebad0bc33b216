"""``skybus serve`` as a user runs it: a subprocess on a free port, called with boto3 and the
AWS CLI."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.clients import client
from tests.conftest import drop_schema
from tests.servers import RunningServer, free_port, running_server
from tests.services import need_postgres


def test_banner_tells_the_user_how_to_connect(server: RunningServer) -> None:
    text = "\n".join(server.banner)
    assert f"export AWS_ENDPOINT_URL={server.endpoint}" in text
    assert "AWS_ACCESS_KEY_ID=" in text
    assert "AWS_SECRET_ACCESS_KEY=" in text


def test_health_reports_version_store_and_uptime(server: RunningServer) -> None:
    health = server.health()
    assert health["status"] == "ok"
    assert health["store"] == "sqlite"
    assert isinstance(health["version"], str)
    assert isinstance(health["uptime_seconds"], float | int)


def test_root_answers_dynamodb_health_check(server: RunningServer) -> None:
    with urllib.request.urlopen(server.endpoint + "/", timeout=5) as reply:
        assert reply.read().decode() == "healthy: " + server.endpoint.removeprefix("http://")


def test_sts_get_caller_identity(server: RunningServer) -> None:
    sts = client(server, "sts")
    identity = sts.get_caller_identity()
    assert identity["Account"] == "000000000000"
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"


def test_unimplemented_operation_is_an_honest_501(server: RunningServer) -> None:
    # An operation whose engine does not exist answers 501 naming it, never a fake success.
    events = client(server, "events")
    with pytest.raises(ClientError) as caught:
        events.list_rules()
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["Error"]["Code"] == "NotImplemented"
    assert "ListRules" in error["Error"]["Message"]


def test_validation_error_from_the_model(server: RunningServer) -> None:
    ddb = client(server, "dynamodb")
    with pytest.raises(ClientError) as caught:
        ddb.list_tables(Limit=101)
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"] == (
        "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 100"
    )


def test_every_protocol_answers(server: RunningServer) -> None:
    # query (sts), json (events) and rest-json (apigatewayv2) each reach their service and get
    # an answer in their own format rather than a transport failure.
    assert client(server, "sts").get_caller_identity()["Account"] == "000000000000"
    for service, method in (("events", "list_event_buses"), ("apigatewayv2", "get_apis")):
        with pytest.raises(ClientError) as caught:
            getattr(client(server, service), method)()
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501, service


def test_aws_cli_reaches_skybus(server: RunningServer, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }
    aws = [sys.executable, "-m", "awscli", "--endpoint-url", server.endpoint]
    done = subprocess.run(
        [*aws, "sts", "get-caller-identity"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Account"] == "000000000000"
    done = subprocess.run(
        [*aws, "events", "list-rules"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode != 0
    assert "NotImplemented" in done.stderr
    assert "ListRules" in done.stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_shuts_down_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    with running_server(tmp_path) as server:
        assert server.health()["status"] == "ok"
        assert server.stop(sig) == 0
        assert server.process.stdout is not None
        assert "Skybus stopped" in server.process.stdout.read()


def test_refuses_network_bind_without_credentials(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "skybus", "serve", "--host", "0.0.0.0", "--port", str(free_port()),
         "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=60, check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("SKYBUS_")},
    )  # fmt: skip
    assert done.returncode != 0
    assert "--insecure" in done.stderr


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data = tmp_path_factory.mktemp("secured")
    keys = "AKIDALICE:alice-secret,AKIDBOB:bob-secret:111122223333"
    with running_server(data, env={"SKYBUS_CREDENTIALS": keys}) as running:
        yield running


class TestWithCredentials:
    def test_each_key_has_its_own_account(self, secured: RunningServer) -> None:
        alice = client(secured, "sts", key="AKIDALICE", secret="alice-secret")
        bob = client(secured, "sts", key="AKIDBOB", secret="bob-secret")
        alice_account = alice.get_caller_identity()["Account"]
        assert bob.get_caller_identity()["Account"] == "111122223333"
        assert alice_account != "111122223333"
        assert len(alice_account) == 12
        assert alice_account.isdigit()

    def test_wrong_secret_is_refused(self, secured: RunningServer) -> None:
        sts = client(secured, "sts", key="AKIDALICE", secret="wrong")
        with pytest.raises(ClientError) as caught:
            sts.get_caller_identity()
        assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
        ddb = client(secured, "dynamodb", key="AKIDALICE", secret="wrong")
        with pytest.raises(ClientError) as caught:
            ddb.list_tables()
        assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"

    def test_sns_confirmation_links_work_unsigned(self, secured: RunningServer) -> None:
        # SubscribeURL and UnsubscribeURL are fetched as plain links, even where every other
        # call must be signed: the token is the credential. An unknown token is SNS's error,
        # not an authentication failure.
        topic = "arn:aws:sns:us-east-1:000000000000:nothing-here"
        url = f"{secured.endpoint}/?Action=ConfirmSubscription&TopicArn={topic}&Token=abc"
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(url, timeout=5)
        body = caught.value.read().decode()
        assert "MissingAuthenticationToken" not in body
        assert caught.value.code in (400, 404)
        listing = f"{secured.endpoint}/?Action=ListTopics"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(listing, timeout=5)
        assert "MissingAuthenticationToken" in refused.value.read().decode()

    def test_unknown_key_is_refused(self, secured: RunningServer) -> None:
        ddb = client(secured, "dynamodb", key="AKIDNOBODY", secret="x")
        with pytest.raises(ClientError) as caught:
            ddb.list_tables()
        assert caught.value.response["Error"]["Code"] == "UnrecognizedClientException"

    def test_unsigned_request_is_refused(self, secured: RunningServer) -> None:
        request = urllib.request.Request(
            secured.endpoint + "/",
            data=b"{}",
            headers={
                "X-Amz-Target": "DynamoDB_20120810.ListTables",
                "Content-Type": "application/x-amz-json-1.0",
            },
        )
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=5)
        body = json.loads(caught.value.read())
        assert body["__type"].endswith("MissingAuthenticationTokenException")


def test_serve_on_postgresql(tmp_path: Path) -> None:
    base = need_postgres()
    schema = f"skybus_serve_{uuid.uuid4().hex[:8]}"
    try:
        with running_server(tmp_path, args=("--store", f"{base}?schema={schema}")) as server:
            assert server.health()["store"] == "postgresql"
            sts = client(server, "sts")
            assert sts.get_caller_identity()["Account"] == "000000000000"
            assert server.stop(signal.SIGTERM) == 0
    finally:
        asyncio.run(drop_schema(base, schema))
