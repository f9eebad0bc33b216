"""Nothing acknowledged is lost: a node killed with SIGKILL while clients write comes back on
the same data with every item whose write was answered, on both store backends."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tests.clients import client
from tests.conftest import drop_schema
from tests.servers import RunningServer, running_server, start_server
from tests.services import need_postgres

WRITERS = 8
CONFIG = Config(
    retries={"max_attempts": 1, "mode": "standard"},
    connect_timeout=2,
    read_timeout=5,
    max_pool_connections=WRITERS,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_args(request: pytest.FixtureRequest) -> Iterator[tuple[str, ...]]:
    if request.param == "sqlite":
        yield ()
        return
    base = need_postgres()
    schema = f"skybus_crash_{uuid.uuid4().hex[:10]}"
    try:
        yield ("--store", f"{base}?schema={schema}")
    finally:
        asyncio.run(drop_schema(base, schema))


def write_until_stopped(
    server: RunningServer, table: str, stop: threading.Event, writer: int
) -> list[str]:
    """Put items until the node stops answering; the keys of the acknowledged puts."""
    own = client(server, "dynamodb", config=CONFIG)
    acknowledged: list[str] = []
    n = 0
    while not stop.is_set():
        key = f"w{writer}-{n}"
        n += 1
        try:
            own.update_item(
                TableName=table,
                Key={"pk": {"S": key}},
                UpdateExpression="SET v = :v ADD hits :one",
                ExpressionAttributeValues={":v": {"S": key * 3}, ":one": {"N": "1"}},
            )
        except (BotoCoreError, ClientError):
            return acknowledged
        acknowledged.append(key)
    return acknowledged


def test_acknowledged_writes_survive_kill(tmp_path: Path, store_args: tuple[str, ...]) -> None:
    data_dir = tmp_path / "data"
    server = start_server(data_dir, args=store_args)
    table = "crash-test"
    try:
        ddb = client(server, "dynamodb")
        ddb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.put_item(TableName=table, Item={"pk": {"S": "before"}})
        stop = threading.Event()
        with ThreadPoolExecutor(WRITERS) as pool:
            futures = [
                pool.submit(write_until_stopped, server, table, stop, w) for w in range(WRITERS)
            ]
            time.sleep(1.5)
            server.process.send_signal(signal.SIGKILL)
            server.process.wait(10)
            acknowledged = [key for future in futures for key in future.result()]
            stop.set()
    finally:
        server.stop(signal.SIGKILL)
        if server.process.stdout is not None:
            server.process.stdout.close()
    assert len(acknowledged) > 50

    with running_server(data_dir, args=store_args) as again:
        ddb = client(again, "dynamodb")
        found: set[str] = set()
        params: dict[str, Any] = {"TableName": table}
        while True:
            page = ddb.scan(**params)
            found.update(item["pk"]["S"] for item in page["Items"])
            if "LastEvaluatedKey" not in page:
                break
            params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        missing = [key for key in acknowledged if key not in found]
        assert not missing, f"{len(missing)} acknowledged writes lost, e.g. {missing[:5]}"
        assert "before" in found
        sample = ddb.get_item(TableName=table, Key={"pk": {"S": acknowledged[-1]}})["Item"]
        assert sample["hits"] == {"N": "1"}
        described = ddb.describe_table(TableName=table)["Table"]
        assert described["ItemCount"] == len(found)
