"""Raw, signed HTTP requests to a test server, for inputs boto3 would refuse to send."""

from __future__ import annotations

import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

TEST_CREDENTIALS = Credentials("test", "test")


def signed(
    method: str,
    url: str,
    *,
    service: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    region: str = "us-east-1",
    credentials: Credentials = TEST_CREDENTIALS,
) -> httpx.Request:
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    SigV4Auth(credentials, service, region).add_auth(request)
    prepared = request.prepare()
    return httpx.Request(method, prepared.url, headers=dict(prepared.headers), content=body)


def send(request: httpx.Request) -> httpx.Response:
    with httpx.Client(timeout=30) as http:
        return http.send(request)
