"""Reading a function's partial batch response (``ReportBatchItemFailures``).

Lambda's rules: the batch succeeded as a whole when the function returns null, an object
without ``batchItemFailures``, or an empty or null ``batchItemFailures``; it failed as a whole
when the response is not valid JSON (or not an object), or when an entry has no
``itemIdentifier``, an empty or null one, or one that names no record of the batch. Otherwise
exactly the named records failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson


def failed_items(payload: bytes, ids: Sequence[str]) -> frozenset[str]:
    """The identifiers of the records that failed (all of them for an invalid response)."""
    everything = frozenset(ids)
    try:
        response: Any = orjson.loads(payload) if payload.strip() else None
    except orjson.JSONDecodeError:
        return everything
    if response is None:
        return frozenset()
    if not isinstance(response, dict):
        return everything
    failures = response.get("batchItemFailures")
    if failures is None:
        return frozenset()
    if not isinstance(failures, list):
        return everything
    failed: set[str] = set()
    for entry in failures:
        if not isinstance(entry, dict):
            return everything
        identifier = entry.get("itemIdentifier")
        if not isinstance(identifier, str) or identifier not in everything:
            return everything
        failed.add(identifier)
    return frozenset(failed)
