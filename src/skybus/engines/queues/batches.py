"""The checks every batch operation makes on its entries before looking at any of them."""

from __future__ import annotations

import re
from typing import Any

from skybus import limits
from skybus.engines.queues import errors

_ENTRY_ID = re.compile(r"[A-Za-z0-9_-]+")


def check_entries(entries: list[dict[str, Any]], entry_shape: str) -> None:
    """Empty, too many, malformed or repeated ids: the whole request fails, as on AWS."""
    if not entries:
        raise errors.empty_batch(entry_shape)
    if len(entries) > limits.SQS_MAX_BATCH_ENTRIES:
        raise errors.too_many_entries(len(entries))
    seen: set[str] = set()
    for entry in entries:
        entry_id = str(entry.get("Id", ""))
        if len(entry_id) > limits.SQS_MAX_BATCH_ENTRY_ID_LENGTH or not _ENTRY_ID.fullmatch(
            entry_id
        ):
            raise errors.invalid_batch_entry_id()
        if entry_id in seen:
            raise errors.batch_ids_not_distinct(entry_id)
        seen.add(entry_id)


def check_send_size(entries: list[dict[str, Any]]) -> None:
    """All the bodies and attributes of a SendMessageBatch together fit in one message's
    limit."""
    total = 0
    for entry in entries:
        total += len(str(entry.get("MessageBody") or "").encode("utf-8"))
        for name, value in (entry.get("MessageAttributes") or {}).items():
            total += len(name.encode("utf-8")) + len(str(value.get("DataType", "")).encode())
            binary = value.get("BinaryValue")
            if binary is not None:
                total += len(binary)
            else:
                total += len(str(value.get("StringValue") or "").encode("utf-8"))
    if total > limits.SQS_MAX_PAYLOAD_BYTES:
        raise errors.batch_too_long(total)
