"""The event source mapping API: create, read, list, update and delete.

Each operation is one store transaction that also checks the function and the queue it names,
so a refused request changes nothing. Pollers are not touched here: every change wakes the
nodes' supervisors (``changed``), which start and stop pollers and then move the mapping out of
its transitional state.
"""

from __future__ import annotations

import uuid as uuids
from collections.abc import Callable
from typing import Any

from skybus import limits
from skybus.engines.functions import arns, lookup
from skybus.engines.functions.arns import FunctionRef
from skybus.engines.functions.mappings import errors, render
from skybus.engines.functions.mappings import settings as rules
from skybus.engines.functions.mappings.model import (
    CREATING,
    DELETING,
    DISABLED,
    DISABLING,
    ENABLING,
    MAPPINGS,
    PAIRS,
    SQS,
    TRANSITIONAL,
    UPDATING,
    Mapping,
    mapping_key,
    scope_prefix,
)
from skybus.engines.functions.model import Version
from skybus.engines.queues.catalog import Catalog as QueueCatalog
from skybus.engines.queues.naming import QueueName, parse_arn
from skybus.engines.queues.records import Queue
from skybus.store.contract import Store, Tx
from skybus.wire.errors import ServiceError

Result = dict[str, Any]


class Mappings:
    def __init__(
        self,
        store: Callable[[], Store],
        clock: Callable[[], float],
        queues: QueueCatalog,
        changed: Callable[[], None],
    ) -> None:
        self._store = store
        self._clock = clock
        self._queues = queues
        self._changed = changed

    # create ------------------------------------------------------------------------------

    async def create(self, account: str, region: str, params: dict[str, Any]) -> Result:
        rules.refuse_unsupported(params)
        queue_name = _queue_name(params.get("EventSourceArn"), account, region)
        chosen = rules.settings(params)
        ref = arns.parse(params["FunctionName"], account, region)
        now = self._clock()
        new_uuid = str(uuids.uuid4())

        async def write(tx: Tx) -> Result:
            version = await _function(tx, ref)
            queue = await self._queue(tx, queue_name)
            rules.check_for_queue(chosen, queue.fifo)
            rules.check_visibility(queue.config.visibility, version.settings.timeout)
            mapping = Mapping(
                uuid=new_uuid,
                account=account,
                region=region,
                kind=SQS,
                source_arn=queue_name.arn,
                function_name=ref.name,
                qualifier=ref.qualifier,
                function_arn=ref.qualified_arn,
                batch_size=chosen.batch_size,
                window=chosen.window,
                enabled=chosen.enabled,
                state=CREATING if chosen.enabled else DISABLED,
                last_modified=now,
                response_types=chosen.response_types,
                max_concurrency=chosen.max_concurrency,
                tags=dict(params.get("Tags") or {}),
            )
            await _claim_pair(tx, mapping)
            await MAPPINGS.put(tx, mapping.key, mapping)
            return render.configuration(mapping)

        result = await self._store().write(write)
        self._changed()
        return result

    # read --------------------------------------------------------------------------------

    async def get(self, account: str, region: str, uuid: str) -> Result:
        async def read(tx: Tx) -> Result:
            return render.configuration(await _require(tx, account, region, uuid))

        return await self._store().read(read)

    async def page(
        self,
        account: str,
        region: str,
        function_name: str | None,
        source_arn: str | None,
        marker: str | None,
        max_items: int | None,
    ) -> Result:
        limit = min(max_items or limits.LAMBDA_MAPPINGS_PAGE_SIZE, limits.LAMBDA_MAPPINGS_PAGE_SIZE)
        function_arn = None
        if function_name is not None:
            function_arn = arns.parse(function_name, account, region).qualified_arn
        prefix = scope_prefix(account, region)

        async def read(tx: Tx) -> list[Mapping]:
            after = prefix + marker if marker else None
            return await MAPPINGS.scan(tx, prefix=prefix, after=after)

        found = [
            m
            for m in await self._store().read(read)
            if (function_arn is None or m.function_arn == function_arn)
            and (source_arn is None or m.source_arn == source_arn)
        ]
        page = found[:limit]
        result: Result = {"EventSourceMappings": [render.configuration(m) for m in page]}
        if len(found) > limit:
            result["NextMarker"] = page[-1].uuid
        return result

    # update ------------------------------------------------------------------------------

    async def update(self, account: str, region: str, uuid: str, params: dict[str, Any]) -> Result:
        rules.refuse_unsupported(params)
        new_ref = None
        if params.get("FunctionName") is not None:
            new_ref = arns.parse(params["FunctionName"], account, region)
        now = self._clock()

        async def write(tx: Tx) -> Result:
            mapping = await _require(tx, account, region, uuid, for_update=True)
            if mapping.state == DELETING:
                raise errors.not_found()
            chosen = rules.settings(params, mapping)
            queue_name = _queue_name(mapping.source_arn, account, region)
            rules.check_for_queue(chosen, queue_name.fifo)
            if new_ref is not None and new_ref.qualified_arn != mapping.function_arn:
                version = await _function(tx, new_ref)
                # A mapping whose queue was deleted can still be changed (or disabled).
                queue = await self._queues.find(tx, queue_name)
                if queue is not None:
                    rules.check_visibility(queue.config.visibility, version.settings.timeout)
                await tx.delete(PAIRS, mapping.pair_key)
                mapping.function_name = new_ref.name
                mapping.qualifier = new_ref.qualifier
                mapping.function_arn = new_ref.qualified_arn
                await _claim_pair(tx, mapping)
            if chosen.enabled and not mapping.enabled:
                mapping.state = ENABLING
            elif mapping.enabled and not chosen.enabled:
                mapping.state = DISABLING
            else:
                mapping.state = UPDATING
            mapping.batch_size = chosen.batch_size
            mapping.window = chosen.window
            mapping.response_types = chosen.response_types
            mapping.max_concurrency = chosen.max_concurrency
            mapping.enabled = chosen.enabled
            mapping.revision += 1
            mapping.last_modified = now
            await MAPPINGS.put(tx, mapping.key, mapping)
            return render.configuration(mapping)

        result = await self._store().write(write)
        self._changed()
        return result

    # delete ------------------------------------------------------------------------------

    async def delete(self, account: str, region: str, uuid: str) -> Result:
        now = self._clock()

        async def write(tx: Tx) -> Result:
            mapping = await _require(tx, account, region, uuid, for_update=True)
            if mapping.state != DELETING:
                await tx.delete(PAIRS, mapping.pair_key)
                mapping.state = DELETING
                mapping.revision += 1
                mapping.last_modified = now
                await MAPPINGS.put(tx, mapping.key, mapping)
            return render.configuration(mapping)

        result = await self._store().write(write)
        self._changed()
        return result

    # for the supervisors -----------------------------------------------------------------

    async def every(self) -> list[Mapping]:
        """Every mapping of every account and region."""

        async def read(tx: Tx) -> list[Mapping]:
            return await MAPPINGS.scan(tx)

        return await self._store().read(read)

    async def settle(self, seen: Mapping) -> None:
        """Move ``seen`` out of its transitional state, unless it changed since it was read:
        a ``Deleting`` mapping is removed, the others become ``Enabled`` or ``Disabled``."""
        now = self._clock()

        async def write(tx: Tx) -> None:
            current = await MAPPINGS.get(tx, seen.key, for_update=True)
            if current is None or current.revision != seen.revision:
                return
            if current.state not in TRANSITIONAL:
                return
            if current.state == DELETING:
                await MAPPINGS.delete(tx, current.key)
                return
            current.state = current.settled_state()
            current.last_modified = now
            await MAPPINGS.put(tx, current.key, current)

        await self._store().write(write)

    async def _queue(self, tx: Tx, name: QueueName) -> Queue:
        queue = await self._queues.find(tx, name)
        if queue is None:
            raise errors.queue_does_not_exist()
        return queue


def _queue_name(arn: str | None, account: str, region: str) -> QueueName:
    if not arn:
        raise errors.unrecognized_source()
    name = parse_arn(arn)
    if name is None:
        service = arn.split(":")[2] if arn.count(":") >= 2 else ""
        if service in ("dynamodb", "kinesis", "kafka", "mq", "rds"):
            raise errors.source_not_supported(arn)
        raise errors.unrecognized_source()
    if name.account != account or name.region != region:
        # Queues are private to their account and region here (no queue policies).
        raise errors.queue_does_not_exist()
    return name


async def _function(tx: Tx, ref: FunctionRef) -> Version:
    try:
        return (await lookup.resolve(tx, ref)).version
    except ServiceError as exc:
        if exc.code == "ResourceNotFoundException":
            raise errors.function_does_not_exist() from None
        raise


async def _require(
    tx: Tx, account: str, region: str, uuid: str, *, for_update: bool = False
) -> Mapping:
    found = await MAPPINGS.get(tx, mapping_key(account, region, uuid), for_update=for_update)
    if found is None:
        raise errors.not_found()
    return found


async def _claim_pair(tx: Tx, mapping: Mapping) -> None:
    """One mapping per (queue, function): refuse a second one with AWS's conflict."""
    if not await tx.insert(PAIRS, mapping.pair_key, mapping.uuid.encode()):
        existing = await tx.get(PAIRS, mapping.pair_key)
        owner = existing.decode() if existing is not None else "unknown"
        raise errors.duplicate(mapping.source_arn, mapping.function_name, owner)
