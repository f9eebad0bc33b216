"""Fixtures of the DynamoDB API tests: boto3 clients for the session's nodes (one per backend)
and tables with names unique to each test, deleted afterwards."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.clients import client, resource
from tests.servers import RunningServer

_CLIENTS: dict[tuple[str, str], Any] = {}

TableFactory = Callable[..., str]


def ddb_client(server: RunningServer) -> Any:
    """One low-level client per server, reused by every test (making one costs ~50 ms)."""
    key = (server.endpoint, "client")
    if key not in _CLIENTS:
        _CLIENTS[key] = client(server, "dynamodb")
    return _CLIENTS[key]


def unique_name(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def ddb(any_server: RunningServer) -> Any:
    return ddb_client(any_server)


@pytest.fixture
def ddb_resource(any_server: RunningServer) -> Any:
    key = (any_server.endpoint, "resource")
    if key not in _CLIENTS:
        _CLIENTS[key] = resource(any_server, "dynamodb")
    return _CLIENTS[key]


@pytest.fixture
def make_table(ddb: Any) -> Iterator[TableFactory]:
    """``make_table(hash=("pk", "S"), range=None, **create_table_params) -> name``."""
    made: list[str] = []

    def make(
        hash: tuple[str, str] = ("pk", "S"),
        range: tuple[str, str] | None = None,
        **params: Any,
    ) -> str:
        name = params.pop("TableName", None) or unique_name()
        keys = [hash] if range is None else [hash, range]
        definition: dict[str, Any] = {
            "TableName": name,
            "KeySchema": [
                {"AttributeName": n, "KeyType": kind}
                for (n, _), kind in zip(keys, ("HASH", "RANGE"), strict=False)
            ],
            "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in keys],
            "BillingMode": "PAY_PER_REQUEST",
        }
        ddb.create_table(**(definition | params))
        made.append(name)
        return name

    yield make
    for name in made:
        with contextlib.suppress(ddb.exceptions.ResourceNotFoundException):
            ddb.delete_table(TableName=name)
