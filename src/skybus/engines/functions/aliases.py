"""Aliases: named pointers to a version, optionally splitting traffic with a second version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from skybus import limits
from skybus.engines.functions import errors, lookup, render
from skybus.engines.functions.arns import LATEST, FunctionRef
from skybus.engines.functions.model import ALIASES, INVOKE_CONFIGS, POLICIES, Alias, child_key
from skybus.store.contract import Store, Tx

Result = dict[str, Any]


class Aliases:
    def __init__(
        self, store: Callable[[], Store], changed: Callable[[], None] = lambda: None
    ) -> None:
        self._store = store
        self._changed = changed

    async def create(self, ref: FunctionRef, params: dict[str, Any]) -> Result:
        name = params["Name"]

        async def write(tx: Tx) -> Result:
            fn = await lookup.function(tx, ref)
            target = params["FunctionVersion"]
            weights = await _weights(tx, ref, fn, target, params.get("RoutingConfig"))
            await lookup.version(tx, ref, fn, target)
            record = Alias(
                name, target, lookup.new_revision(), params.get("Description") or "", weights
            )
            if not await ALIASES.insert(tx, child_key(ref.key, name), record):
                raise errors.conflict(
                    f"Alias already exists: {ref.with_qualifier(name).qualified_arn}"
                )
            return render.alias(ref.account, ref.region, ref.name, record)

        result = await self._store().write(write)
        self._changed()
        return result

    async def get(self, ref: FunctionRef, name: str) -> Result:
        async def read(tx: Tx) -> Result:
            await lookup.function(tx, ref)
            return render.alias(ref.account, ref.region, ref.name, await _existing(tx, ref, name))

        return await self._store().read(read)

    async def list(
        self,
        ref: FunctionRef,
        version: str | None,
        marker: str | None,
        max_items: int | None,
    ) -> Result:
        limit = max_items or limits.LAMBDA_LIST_PAGE_SIZE

        async def read(tx: Tx) -> Result:
            await lookup.function(tx, ref)
            after = child_key(ref.key, marker) if marker else None
            rows = await ALIASES.scan(tx, prefix=f"{ref.key}:", after=after)
            if version is not None:
                rows = [a for a in rows if a.function_version == version]
            page = rows[:limit]
            out: Result = {
                "Aliases": [render.alias(ref.account, ref.region, ref.name, a) for a in page]
            }
            if len(rows) > limit:
                out["NextMarker"] = page[-1].name
            return out

        return await self._store().read(read)

    async def update(self, ref: FunctionRef, name: str, params: dict[str, Any]) -> Result:
        async def write(tx: Tx) -> Result:
            fn = await lookup.function(tx, ref)
            record = await _existing(tx, ref, name)
            lookup.check_revision(params.get("RevisionId"), record.revision_id)
            target = params.get("FunctionVersion") or record.function_version
            if "FunctionVersion" in params:
                await lookup.version(tx, ref, fn, target)
            if "RoutingConfig" in params:
                record.weights = await _weights(tx, ref, fn, target, params["RoutingConfig"])
            elif record.weights and target in record.weights:
                raise _same_version(target)
            record.function_version = target
            if "Description" in params:
                record.description = params["Description"] or ""
            record.revision_id = lookup.new_revision()
            await ALIASES.put(tx, child_key(ref.key, name), record)
            return render.alias(ref.account, ref.region, ref.name, record)

        result = await self._store().write(write)
        self._changed()
        return result

    async def delete(self, ref: FunctionRef, name: str) -> None:
        async def write(tx: Tx) -> None:
            await lookup.function(tx, ref)
            key = child_key(ref.key, name)
            await ALIASES.delete(tx, key)
            await INVOKE_CONFIGS.delete(tx, key)
            await POLICIES.delete(tx, key)

        await self._store().write(write)
        self._changed()


async def _existing(tx: Tx, ref: FunctionRef, name: str) -> Alias:
    record = await lookup.alias(tx, ref, name)
    if record is None:
        raise errors.resource_not_found(
            f"Cannot find alias arn: {ref.with_qualifier(name).qualified_arn}"
        )
    return record


def _same_version(version: str) -> Exception:
    return errors.invalid(
        f"Invalid function version {version}. Function version {version} is already included "
        "in routing configuration."
    )


async def _weights(
    tx: Tx, ref: FunctionRef, fn: Any, target: str, routing: dict[str, Any] | None
) -> dict[str, float] | None:
    weights = dict((routing or {}).get("AdditionalVersionWeights") or {})
    if not weights:
        return None
    if len(weights) > limits.LAMBDA_MAX_ALIAS_ADDITIONAL_VERSIONS:
        raise errors.invalid("Number of items in AdditionalVersionWeights cannot be greater than 1")
    if target == LATEST:
        raise errors.invalid(
            "$LATEST is not supported for an alias pointing to more than 1 version"
        )
    for version in weights:
        if version == target:
            raise _same_version(version)
        await lookup.version(tx, ref, fn, version)
    return {version: float(weight) for version, weight in weights.items()}
