"""The functions engine: Lambda's control plane, Invoke and async invocation on one node.

State lives in the store (functions, versions, aliases, policies, event invoke configs, zips,
the async work queue); the runtime engine runs the handlers in warm worker processes. Other
engines call :meth:`FunctionsEngine.invoke_async` to deliver events (SNS, EventBridge, Lambda
destinations) with the function's async retry rules.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from typing import TYPE_CHECKING, Any

from skybus.engines import Engine
from skybus.engines.functions import async_events, errors, invoke, lookup, specs
from skybus.engines.functions.account import AccountSettings
from skybus.engines.functions.aliases import Aliases
from skybus.engines.functions.arns import LATEST, FunctionRef
from skybus.engines.functions.async_events import AsyncEvent
from skybus.engines.functions.async_worker import AsyncWorkers
from skybus.engines.functions.catalog import Catalog
from skybus.engines.functions.destinations import Destinations, Undeliverable
from skybus.engines.functions.event_configs import EventConfigs, effective
from skybus.engines.functions.model import InvokeConfig
from skybus.engines.functions.permissions import Permissions
from skybus.engines.functions.runtime import (
    CodeError,
    FunctionRuntime,
    InvocationResult,
    Throttled,
)
from skybus.engines.functions.specs import Target
from skybus.engines.functions.target_cache import TargetCache
from skybus.store.contract import Store, Tx
from skybus.wire.errors import ServiceError

if TYPE_CHECKING:
    from skybus.node import Node

log = logging.getLogger("skybus.functions")

#: Environment variable that multiplies every async retry delay, backoff, lease and the event
#: age limit. Meant for tests (``0.01`` turns Lambda's 1 and 2 minute retries into 0.6 s and
#: 1.2 s); leave it unset in production.
TIME_SCALE_ENV = "SKYBUS_LAMBDA_TIME_SCALE"

Result = dict[str, Any]


class FunctionsEngine(Engine):
    def __init__(self, node: Node) -> None:
        super().__init__(node)
        self.runtime = node.engine(FunctionRuntime)
        self.targets = TargetCache()
        self.catalog = Catalog(self._store, node.clock, self.targets.clear)
        self.aliases = Aliases(self._store, self.targets.clear)
        self.permissions = Permissions(self._store)
        self.event_configs = EventConfigs(self._store, node.clock)
        self.account = AccountSettings(self._store, self.targets.clear)
        self.destinations = Destinations(node, self._deliver_to_function, self._store, node.clock)
        self.scale = _time_scale(node.settings.env.get(TIME_SCALE_ENV))
        self.workers = AsyncWorkers(
            self, self.destinations, self._store, node.clock, node.bus.wait, scale=self.scale
        )
        self._background: set[asyncio.Task[Any]] = set()

    def _store(self) -> Store:
        return self.node.store

    async def start(self) -> None:
        self.workers.start()
        task = asyncio.create_task(self.destinations.flush_pending())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def stop(self) -> None:
        await self.workers.stop()
        for task in list(self._background):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # lifecycle hooks -------------------------------------------------------------------------

    async def deleted(self, ref: FunctionRef) -> None:
        """Retire the workers of a deleted function (or version)."""
        await self.runtime.retire(ref.qualified_arn)

    # invocation ------------------------------------------------------------------------------

    async def resolve_target(self, ref: FunctionRef) -> Target:
        """What an invocation of ``ref`` runs (an alias's routing draws its version)."""
        return await self.targets.get(ref, self._load_target)

    async def _load_target(self, ref: FunctionRef) -> tuple[Target, bool]:
        async def read(tx: Tx) -> tuple[Target, bool]:
            found = await lookup.resolve(tx, ref, route=True)
            routed = found.alias is not None and bool(found.alias.weights)
            return specs.target(self._store, ref, found), not routed

        return await self._store().read(read)

    async def invoke_config(self, ref: FunctionRef) -> InvokeConfig | None:
        async def read(tx: Tx) -> InvokeConfig | None:
            return await effective(tx, ref, ref.qualifier or LATEST)

        return await self._store().read(read)

    async def run(
        self,
        target: Target,
        payload: bytes,
        request_id: str,
        client_context: str | None = None,
    ) -> InvocationResult:
        return await self.runtime.invoke(
            target.spec,
            payload,
            request_id=request_id,
            client_context=client_context,
            invoked_arn=target.invoked_arn,
        )

    async def invoke(self, ref: FunctionRef, params: dict[str, Any], request_id: str) -> Result:
        kind = params.get("InvocationType") or invoke.REQUEST_RESPONSE
        payload = invoke.check_payload(params.get("Payload") or b"", kind)
        context = invoke.client_context(params.get("ClientContext"))
        target = await self.resolve_target(ref)
        if kind == invoke.DRY_RUN:
            return {"StatusCode": 204}
        if kind == invoke.EVENT:
            await self.invoke_async(ref, payload, request_id)
            return {"StatusCode": 202}
        try:
            result = await self.run(target, payload, request_id, context)
        except Throttled as exc:
            raise errors.too_many_requests(exc.reason) from None
        except CodeError as exc:
            raise errors.invalid(str(exc)) from None
        except Exception:
            log.exception("invocation %s of %s failed inside Skybus", request_id, ref.qualified_arn)
            raise errors.service_failure() from None
        out: Result = {
            "StatusCode": 200,
            "Payload": result.payload,
            "ExecutedVersion": target.spec.version,
        }
        if result.function_error:
            out["FunctionError"] = result.function_error
        if params.get("LogType") == "Tail":
            out["LogResult"] = invoke.log_result(result.log_tail)
        return out

    async def invoke_async(
        self, ref: FunctionRef, payload: bytes, request_id: str | None = None
    ) -> str:
        """Queue an event for ``ref`` durably; returns its request id."""
        event = AsyncEvent.new(ref, request_id or str(uuid.uuid4()), payload, self.node.clock())

        async def write(tx: Tx) -> None:
            await async_events.enqueue(tx, event)

        await self._store().write(write)
        self.node.bus.notify(async_events.CHANNEL)
        return event.request_id

    async def _deliver_to_function(self, ref: FunctionRef, payload: bytes) -> None:
        try:
            await self.resolve_target(ref)
        except ServiceError:
            raise Undeliverable(f"function {ref.qualified_arn} does not exist") from None
        await self.invoke_async(ref, payload)


def _time_scale(text: str | None) -> float:
    if not text:
        return 1.0
    try:
        value = float(text)
    except ValueError:
        log.warning("ignoring %s=%r: not a number", TIME_SCALE_ENV, text)
        return 1.0
    return value if value > 0 else 1.0
