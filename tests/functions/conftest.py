"""Fixtures for the Lambda API tests: boto3 clients, zips built in the test, unique names.

``async_server`` is a node of its own whose async retry delays are scaled down with
``SKYBUS_LAMBDA_TIME_SCALE`` (0.01: Lambda's 1 and 2 minute retries take 0.6 s and 1.2 s).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.clients import client
from tests.functions.api_helpers import TIME_SCALE
from tests.servers import RunningServer, running_server


@pytest.fixture
def name() -> str:
    return f"fn-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def lam(server: RunningServer) -> Any:
    return client(server, "lambda")


@pytest.fixture
def any_lam(any_server: RunningServer) -> Any:
    return client(any_server, "lambda")


@pytest.fixture(scope="session")
def async_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    data_dir: Path = tmp_path_factory.mktemp("skybus-async")
    env = {"SKYBUS_LAMBDA_TIME_SCALE": str(TIME_SCALE)}
    with running_server(data_dir, env=env) as running:
        yield running


@pytest.fixture
def async_lam(async_server: RunningServer) -> Any:
    return client(async_server, "lambda")
