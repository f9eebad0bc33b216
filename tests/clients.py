"""boto3 clients for a test server: fixed test credentials, no retries, never real AWS."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from tests.servers import RunningServer

NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})


def client(
    server: RunningServer,
    service: str,
    *,
    key: str = "test",
    secret: str = "test",
    region: str = "us-east-1",
    config: Config | None = None,
) -> Any:
    return boto3.client(
        service,
        endpoint_url=server.endpoint,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=config or NO_RETRY,
    )


def resource(server: RunningServer, service: str, *, region: str = "us-east-1") -> Any:
    return boto3.resource(
        service,
        endpoint_url=server.endpoint,
        region_name=region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=NO_RETRY,
    )
