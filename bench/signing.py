"""Requests signed with SigV4 and encoded to the exact bytes every system receives.

Every system is sent the same bytes, Host header included, so no system is favoured by a
shorter request or a different signature. A SigV4 signature is accepted for 15 minutes after
its ``X-Amz-Date``, which is why scenarios remember when they were signed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SIGNATURE_LIFETIME_S = 15 * 60


class Signer:
    """Signs requests for one set of credentials, region and Host header."""

    def __init__(
        self,
        *,
        access_key: str = "bench",
        secret_key: str = "bench",
        region: str = "us-east-1",
        host: str = "localhost",
    ) -> None:
        self.credentials = Credentials(access_key, secret_key)
        self.region = region
        self.host = host

    def sign(
        self,
        service: str,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> bytes:
        """Sign one request for ``service`` (the SigV4 signing name, e.g. ``dynamodb``) and
        return it encoded as HTTP/1.1 bytes ready to be written to a socket."""
        request = AWSRequest(
            method=method,
            url=f"http://{self.host}{path}",
            data=body,
            headers={"Host": self.host, **(headers or {}), "Content-Length": str(len(body))},
        )
        SigV4Auth(self.credentials, service, self.region).add_auth(request)
        pairs: list[tuple[str, str]] = list(request.headers.items())
        return encode_request(method, path, pairs, body)


def encode_request(
    method: str, path: str, headers: Iterable[tuple[str, str]], body: bytes
) -> bytes:
    """HTTP/1.1 request bytes from a method, a target, ``(name, value)`` pairs and a body."""
    lines = [f"{method} {path} HTTP/1.1"]
    lines.extend(f"{name}: {value}" for name, value in headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
