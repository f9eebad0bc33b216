"""Queue names, URLs and ARNs.

A queue is identified by region, account and name. Its URL is ``<endpoint>/<account>/<name>``
with the address the client reached Skybus at, so URLs work from wherever the client is; when
a URL comes back, only its last two path segments count, so ``localhost`` and ``127.0.0.1`` (or
an AWS-style ``https://sqs.us-east-1.amazonaws.com/...``) name the same queue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from skybus import limits

FIFO_SUFFIX = ".fifo"
_NAME = re.compile(r"[A-Za-z0-9_-]+")
_ARN = re.compile(r"arn:aws[A-Za-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+)")


@dataclass(frozen=True, slots=True)
class QueueName:
    """Where a queue lives: the key of its record."""

    region: str
    account: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.region}/{self.account}/{self.name}"

    @property
    def arn(self) -> str:
        return f"arn:aws:sqs:{self.region}:{self.account}:{self.name}"

    @property
    def fifo(self) -> bool:
        return self.name.endswith(FIFO_SUFFIX)

    def url(self, endpoint: str) -> str:
        return f"{endpoint.rstrip('/')}/{self.account}/{self.name}"


def list_prefix(region: str, account: str, name_prefix: str = "") -> str:
    return f"{region}/{account}/{name_prefix}"


def valid_name(name: str, fifo: bool) -> bool:
    """AWS's rule: 1 to 80 characters of letters, digits, hyphens and underscores; a FIFO
    queue's name ends with ``.fifo``, which counts towards the 80."""
    if len(name) > limits.SQS_MAX_QUEUE_NAME_LENGTH:
        return False
    if name.endswith(FIFO_SUFFIX):
        if not fifo:
            return False
        name = name[: -len(FIFO_SUFFIX)]
    elif fifo:
        return False
    return _NAME.fullmatch(name) is not None


def parse_url(url: str) -> tuple[str, str] | None:
    """``(account, name)`` from a queue URL with any scheme and host; None if it has no
    account and name segments."""
    rest = url.split("://", 1)[1] if "://" in url else url
    slash = rest.find("/")
    if slash < 0:
        return None
    path = rest[slash + 1 :].split("?", 1)[0].strip("/")
    parts = path.split("/")
    if len(parts) < 2 or not parts[-2] or not parts[-1]:
        return None
    return parts[-2], parts[-1]


def parse_arn(arn: str) -> QueueName | None:
    match = _ARN.fullmatch(arn)
    if match is None:
        return None
    return QueueName(match.group(1), match.group(2), match.group(3))
