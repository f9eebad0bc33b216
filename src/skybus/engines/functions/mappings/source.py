"""The contract between a poller and where its records come from.

A poller runs the same loop for every kind of source: ask the source for a batch, invoke the
function with it, tell the source how it went. The source owns everything specific: how records
are fetched and shaped into the event (SQS messages, DynamoDB stream records), and what
settling means (SQS deletes processed messages and lets failed ones reappear after their
visibility timeout; a stream source would move its checkpoint or retry the batch).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import orjson


@dataclass(slots=True)
class Batch:
    """Records fetched for one invocation."""

    records: list[dict[str, Any]]
    """The event's ``Records``, in order."""
    ids: list[str]
    """Each record's identifier as a partial batch response names it (``messageId`` for SQS,
    the sequence number for streams)."""
    handles: list[Any]
    """What the source needs to settle each record (SQS receipt handles)."""
    expires: float
    """Monotonic time after which the source may hand the records out again."""

    def payload(self) -> bytes:
        return orjson.dumps({"Records": self.records})


class SourceGone(Exception):
    """The source does not exist (any more); the poller waits and asks again."""


class Source(Protocol):
    async def next_batch(self, size: int, window: float) -> Batch | None:
        """Up to ``size`` records, gathered for at most ``window`` seconds once the first one
        is there; waits a while for the first one and returns None if none came. Raises
        :class:`SourceGone` when the source does not exist."""

    async def settle(self, batch: Batch, failed: frozenset[str]) -> None:
        """The function has answered: ``failed`` names the records that were not processed
        (empty: all were; every id: the batch failed as a whole)."""
