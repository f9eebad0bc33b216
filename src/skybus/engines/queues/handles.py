"""Receipt handles: which queue, which message and which receive of it a handle belongs to.

A handle is opaque to clients (base64 of a small JSON array). It names the queue by its id, so
a handle from another queue (or from a queue since deleted and created again) is refused, and
it carries the token of the receive that issued it: a standard queue settles the message only
with the token of its latest receive, a FIFO queue refuses a token that is no longer current.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

import orjson

from skybus.engines.queues import errors

STANDARD = "s"
FIFO = "f"


@dataclass(frozen=True, slots=True)
class StandardHandle:
    queue_id: str
    message_id: str
    token: str


@dataclass(frozen=True, slots=True)
class FifoHandle:
    queue_id: str
    group: str
    sequence: int
    token: str


Handle = StandardHandle | FifoHandle


def standard(queue_id: str, message_id: str, token: str) -> str:
    return _encode([STANDARD, queue_id, message_id, token])


def fifo(queue_id: str, group: str, sequence: int, token: str) -> str:
    return _encode([FIFO, queue_id, group, sequence, token])


def _encode(parts: list[object]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(parts)).decode("ascii")


def parse(handle: str, queue_id: str) -> Handle:
    """The handle's parts; ReceiptHandleIsInvalid when it is not one of this queue's."""
    try:
        parts = orjson.loads(base64.urlsafe_b64decode(handle.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeEncodeError, orjson.JSONDecodeError):
        raise errors.invalid_receipt_handle(handle) from None
    if not isinstance(parts, list) or len(parts) < 4 or parts[1] != queue_id:
        raise errors.invalid_receipt_handle(handle)
    if parts[0] == STANDARD and len(parts) == 4 and all(isinstance(p, str) for p in parts):
        return StandardHandle(parts[1], parts[2], parts[3])
    if (
        parts[0] == FIFO
        and len(parts) == 5
        and isinstance(parts[2], str)
        and isinstance(parts[3], int)
        and isinstance(parts[4], str)
    ):
        return FifoHandle(parts[1], parts[2], parts[3], parts[4])
    raise errors.invalid_receipt_handle(handle)
