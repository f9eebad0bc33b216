"""Asynchronous invocations as jobs of the store's durable work queue.

``Invoke`` with ``InvocationType=Event`` writes one job and answers 202 once it is committed, so
an accepted event survives a crash. The job carries everything the attempt needs (the original
payload, when it was accepted, how many times the function has run and failed) and is rewritten
with each retry.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass

import orjson

from skybus.engines.functions.arns import FunctionRef
from skybus.store.contract import Tx

QUEUE = "lambda.async"
#: Bus channel that wakes the async workers when a job is enqueued.
CHANNEL = "lambda.async"


@dataclass(slots=True)
class AsyncEvent:
    account: str
    region: str
    name: str
    qualifier: str | None
    request_id: str
    payload: str
    """The event, base64."""
    accepted_at: float
    invocations: int = 0
    """How many times the function has run for this event (``approximateInvokeCount``)."""
    function_errors: int = 0
    """How many of those runs ended in a function error."""
    backoffs: int = 0
    """Consecutive throttles or system errors, for the exponential backoff."""

    @property
    def ref(self) -> FunctionRef:
        return FunctionRef(self.account, self.region, self.name, self.qualifier)

    @property
    def body(self) -> bytes:
        return base64.b64decode(self.payload)

    def encode(self) -> bytes:
        return orjson.dumps(asdict(self))

    @classmethod
    def decode(cls, data: bytes) -> AsyncEvent:
        return cls(**orjson.loads(data))

    @classmethod
    def new(cls, ref: FunctionRef, request_id: str, body: bytes, now: float) -> AsyncEvent:
        return cls(
            account=ref.account,
            region=ref.region,
            name=ref.name,
            qualifier=ref.qualifier,
            request_id=request_id,
            payload=base64.b64encode(body).decode("ascii"),
            accepted_at=now,
        )


async def enqueue(tx: Tx, event: AsyncEvent) -> None:
    # The request id is the job id: a retried request cannot queue the same event twice.
    await tx.enqueue(QUEUE, event.encode(), job_id=event.request_id)
