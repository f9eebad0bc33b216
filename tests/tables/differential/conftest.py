"""Fixtures of the differential tests: one DynamoDB Local for the session, and a ``Differ`` per
subject (a Skybus node on SQLite, and one on PostgreSQL).

Setting ``SKYBUS_DIFF_ENDPOINT`` to a running DynamoDB-compatible endpoint (a ``make up`` node,
moto's server, a second DynamoDB Local) makes that endpoint the only subject instead, which is
handy for looking at one implementation's differences without starting nodes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from tests import dynamodb_local
from tests.clients import NO_RETRY
from tests.services import services_required

from .harness import Differ

_ENDPOINT = os.environ.get("SKYBUS_DIFF_ENDPOINT", "")
_SUBJECTS = ["endpoint"] if _ENDPOINT else ["sqlite", "postgresql"]


def dynamodb_client(endpoint: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=NO_RETRY,
    )


@pytest.fixture(scope="session")
def dynamodb_local_endpoint() -> Iterator[str]:
    """AWS's DynamoDB Local: skipped when Java, npm or the package is out of reach, unless
    SKYBUS_REQUIRE_SERVICES=1 (CI) makes that a failure."""
    try:
        with dynamodb_local.running() as instance:
            yield instance.endpoint
    except dynamodb_local.Unavailable as exc:
        message = f"DynamoDB Local is unavailable: {exc}"
        if services_required():
            pytest.fail(f"{message} (and SKYBUS_REQUIRE_SERVICES=1 is set)")
        pytest.skip(message)


@pytest.fixture(scope="session", params=_SUBJECTS)
def diff(request: pytest.FixtureRequest, dynamodb_local_endpoint: str) -> Differ:
    """Scenarios compared between DynamoDB Local and the subject named by the parameter."""
    if request.param == "endpoint":
        endpoint, name = _ENDPOINT, f"subject at {_ENDPOINT}"
    else:
        fixture = "server" if request.param == "sqlite" else "pg_server"
        endpoint, name = request.getfixturevalue(fixture).endpoint, f"skybus-{request.param}"
    return Differ(dynamodb_client(dynamodb_local_endpoint), dynamodb_client(endpoint), name)
