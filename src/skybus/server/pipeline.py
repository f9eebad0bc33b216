"""The request pipeline, readable as one list.

Adding a cross-cutting concern (tracing, throttling, CORS) means adding one function to
:data:`REQUEST_STEPS` or :data:`RESPONSE_STEPS`.
"""

from __future__ import annotations

import itertools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable

from skybus.node import Node
from skybus.server import steps
from skybus.server.exchange import Exchange
from skybus.wire.errors import InternalFailure, ServiceError
from skybus.wire.http import HttpRequest, HttpResponse

#: A step may be a plain function or a coroutine function: only steps that wait on something
#: (the operation itself) need to be coroutines, and plain calls cost less on every request.
Step = Callable[[Exchange], Awaitable[None] | None]

log = logging.getLogger("skybus.pipeline")

#: Run in order until one raises ServiceError.
REQUEST_STEPS: list[Step] = [
    steps.find_service,
    steps.limit_body,
    steps.authenticate,
    steps.find_region_and_account,
    steps.parse,
    steps.queue_url_from_path,
    steps.check_input,
    steps.dispatch,
]

#: Always run, for successes and errors alike.
RESPONSE_STEPS: list[Step] = [
    steps.serialize,
    steps.record_metrics,
]


async def handle(node: Node, request: HttpRequest, *, body_truncated: bool = False) -> HttpResponse:
    ex = Exchange(
        node=node,
        request=request,
        request_id=next_request_id(),
        started=time.perf_counter(),
        body_truncated=body_truncated,
    )
    try:
        for step in REQUEST_STEPS:
            pending = step(ex)
            if pending is not None:
                await pending
    except ServiceError as error:
        ex.error = error
    except Exception:
        log.exception("request %s failed in %s.%s", ex.request_id, ex.service, _op_name(ex))
        ex.error = InternalFailure()
    for step in RESPONSE_STEPS:
        try:
            pending = step(ex)
            if pending is not None:
                await pending
        except Exception:
            log.exception("response step %s failed for %s", step.__name__, ex.request_id)
            if ex.response is None:
                ex.error = InternalFailure()
                ex.protocol = None
                ex.response = None
                steps.serialize(ex)
    assert ex.response is not None
    return ex.response


# Request ids look like AWS's (UUID form): a random prefix per process, then a counter.
_ID_PREFIX = str(uuid.uuid4())[:24]
_ID_COUNTER = itertools.count(1)


def next_request_id() -> str:
    return f"{_ID_PREFIX}{next(_ID_COUNTER) & 0xFFFFFFFFFFFF:012x}"


def _op_name(ex: Exchange) -> str:
    return ex.operation.name if ex.operation is not None else "-"
