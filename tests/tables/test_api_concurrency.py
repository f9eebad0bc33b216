"""Atomicity under concurrent clients, on both store backends: ADD counters lose no increment
and a conditional put lets exactly one writer in."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError

from tests.clients import client
from tests.servers import RunningServer
from tests.tables.conftest import TableFactory

THREADS = 20
POOL = Config(retries={"max_attempts": 1, "mode": "standard"}, max_pool_connections=THREADS)


def test_thousand_concurrent_adds(
    any_server: RunningServer, ddb: Any, make_table: TableFactory
) -> None:
    table = make_table(hash=("word", "S"))
    per_thread = 1000 // THREADS

    def add_many(_: int) -> list[int]:
        own = client(any_server, "dynamodb", config=POOL)
        seen = []
        for _ in range(per_thread):
            result = own.update_item(
                TableName=table,
                Key={"word": {"S": "hot"}},
                UpdateExpression="ADD #c :one",
                ExpressionAttributeNames={"#c": "count"},
                ExpressionAttributeValues={":one": {"N": "1"}},
                ReturnValues="UPDATED_NEW",
            )
            seen.append(int(result["Attributes"]["count"]["N"]))
        return seen

    with ThreadPoolExecutor(THREADS) as pool:
        results = [n for seen in pool.map(add_many, range(THREADS)) for n in seen]
    item = ddb.get_item(TableName=table, Key={"word": {"S": "hot"}}, ConsistentRead=True)["Item"]
    assert item["count"] == {"N": "1000"}
    # Every increment saw a value no other saw: none was lost or applied twice.
    assert sorted(results) == list(range(1, 1001))


def test_conditional_put_admits_one_writer(
    any_server: RunningServer, ddb: Any, make_table: TableFactory
) -> None:
    table = make_table()

    def claim(writer: int) -> str:
        own = client(any_server, "dynamodb", config=POOL)
        try:
            own.put_item(
                TableName=table,
                Item={"pk": {"S": "lock"}, "owner": {"N": str(writer)}},
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as exc:
            code: str = exc.response["Error"]["Code"]
            return code
        return "won"

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = list(pool.map(claim, range(THREADS)))
    won = [writer for writer, outcome in enumerate(outcomes) if outcome == "won"]
    assert len(won) == 1
    assert outcomes.count("ConditionalCheckFailedException") == THREADS - 1
    item = ddb.get_item(TableName=table, Key={"pk": {"S": "lock"}})["Item"]
    assert item["owner"] == {"N": str(won[0])}
    assert ddb.describe_table(TableName=table)["Table"]["ItemCount"] == 1
