"""DynamoDB item operations on a durable table: PutItem, GetItem, an UpdateItem ADD counter and
a Query returning 10 items.

Setup creates one hash+range table (``pk`` S, ``sk`` N) and puts ten items of about 200 bytes
in the partition ``q``, which the GetItem and Query read. PutItem overwrites one item again and
again; UpdateItem increments one counter (``ADD n :one``, ReturnValues UPDATED_NEW), the word
counter's hot path.
"""

from __future__ import annotations

from typing import Any

import orjson

from bench.scenario import Operation, Scenario
from bench.signing import Signer

TABLE = "bench-items"
_JSON_10 = "application/x-amz-json-1.0"
_PAYLOAD = "x" * 160


def _request(signer: Signer, operation: str, body: dict[str, Any]) -> bytes:
    headers = {"Content-Type": _JSON_10, "X-Amz-Target": f"DynamoDB_20120810.{operation}"}
    return signer.sign("dynamodb", "POST", "/", headers=headers, body=orjson.dumps(body))


def _item(pk: str, sk: int) -> dict[str, Any]:
    return {
        "pk": {"S": pk},
        "sk": {"N": str(sk)},
        "payload": {"S": _PAYLOAD},
        "tags": {"SS": ["red", "green"]},
        "count": {"N": "7"},
    }


def build(signer: Signer) -> Scenario:
    create = _request(
        signer,
        "CreateTable",
        {
            "TableName": TABLE,
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
            ],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    puts = tuple(
        _request(signer, "PutItem", {"TableName": TABLE, "Item": _item("q", i)}) for i in range(10)
    )
    return Scenario(
        name="tables",
        description=__doc__ or "",
        setup=(create, *puts),
        operations=(
            Operation(
                "PutItem", _request(signer, "PutItem", {"TableName": TABLE, "Item": _item("p", 1)})
            ),
            Operation(
                "GetItem",
                _request(
                    signer,
                    "GetItem",
                    {"TableName": TABLE, "Key": {"pk": {"S": "q"}, "sk": {"N": "3"}}},
                ),
            ),
            Operation(
                "UpdateItem ADD",
                _request(
                    signer,
                    "UpdateItem",
                    {
                        "TableName": TABLE,
                        "Key": {"pk": {"S": "counter"}, "sk": {"N": "0"}},
                        "UpdateExpression": "ADD n :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                        "ReturnValues": "UPDATED_NEW",
                    },
                ),
            ),
            Operation(
                "Query 10 items",
                _request(
                    signer,
                    "Query",
                    {
                        "TableName": TABLE,
                        "KeyConditionExpression": "pk = :p",
                        "ExpressionAttributeValues": {":p": {"S": "q"}},
                    },
                ),
            ),
        ),
    )
