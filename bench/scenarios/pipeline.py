"""The request pipeline's own cost: DynamoDB operations that touch no stored data.

``ListTables`` on an empty account and ``DescribeLimits`` do almost no work in any
implementation, so their rate measures routing, authentication, parsing and serialization.
"""

from __future__ import annotations

from bench.scenario import Operation, Scenario
from bench.signing import Signer

_JSON_10 = "application/x-amz-json-1.0"


def _dynamodb(signer: Signer, operation: str, body: bytes = b"{}") -> bytes:
    headers = {"Content-Type": _JSON_10, "X-Amz-Target": f"DynamoDB_20120810.{operation}"}
    return signer.sign("dynamodb", "POST", "/", headers=headers, body=body)


def build(signer: Signer) -> Scenario:
    return Scenario(
        name="pipeline",
        description=__doc__ or "",
        operations=(
            Operation("ListTables", _dynamodb(signer, "ListTables")),
            Operation("DescribeLimits", _dynamodb(signer, "DescribeLimits")),
        ),
    )
