"""The request pipeline's own cost: operations that touch no stored data.

DynamoDB ``DescribeLimits`` (json protocol) and STS ``GetCallerIdentity`` (query protocol, XML
answer) do almost no work in any implementation, so their rate measures routing,
authentication, parsing, validation and serialization.
"""

from __future__ import annotations

from bench.scenario import Operation, Scenario
from bench.signing import Signer

_JSON_10 = "application/x-amz-json-1.0"
_FORM = "application/x-www-form-urlencoded; charset=utf-8"


def _dynamodb(signer: Signer, operation: str, body: bytes = b"{}") -> bytes:
    headers = {"Content-Type": _JSON_10, "X-Amz-Target": f"DynamoDB_20120810.{operation}"}
    return signer.sign("dynamodb", "POST", "/", headers=headers, body=body)


def _sts(signer: Signer, action: str) -> bytes:
    body = f"Action={action}&Version=2011-06-15".encode()
    return signer.sign("sts", "POST", "/", headers={"Content-Type": _FORM}, body=body)


def build(signer: Signer) -> Scenario:
    return Scenario(
        name="pipeline",
        description=__doc__ or "",
        operations=(
            Operation("DescribeLimits", _dynamodb(signer, "DescribeLimits")),
            Operation("GetCallerIdentity", _sts(signer, "GetCallerIdentity")),
        ),
    )
