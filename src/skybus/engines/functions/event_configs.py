"""Event invoke configs: retries, maximum event age and destinations of async invocations,
per function version or alias (``$LATEST`` when no qualifier is given)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from skybus.engines.functions import errors, lookup, render
from skybus.engines.functions.arns import LATEST, FunctionRef, is_version, parse_arn
from skybus.engines.functions.model import FUNCTIONS, INVOKE_CONFIGS, InvokeConfig, child_key
from skybus.store.contract import Store, Tx
from skybus.wire.errors import ServiceError

Result = dict[str, Any]

DESTINATION_SERVICES = frozenset({"sqs", "sns", "lambda", "events"})


class EventConfigs:
    def __init__(self, store: Callable[[], Store], clock: Callable[[], float]) -> None:
        self._store = store
        self._clock = clock

    async def put(self, ref: FunctionRef, params: dict[str, Any], *, merge: bool) -> Result:
        """PutFunctionEventInvokeConfig (``merge`` False: replaces) or Update... (merges)."""
        if not merge and not any(
            member in params
            for member in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")
        ):
            raise errors.invalid(
                "You must specify at least one of error handling or destination setting."
            )
        now = self._clock()

        async def write(tx: Tx) -> Result:
            qualifier = await _existing_target(tx, ref)
            key = child_key(ref.key, qualifier)
            record = await INVOKE_CONFIGS.get(tx, key)
            if merge and record is None:
                raise _missing(ref, qualifier)
            if record is None or not merge:
                record = InvokeConfig(qualifier, now)
            if "MaximumRetryAttempts" in params:
                record.max_retries = params["MaximumRetryAttempts"]
            if "MaximumEventAgeInSeconds" in params:
                record.max_age = params["MaximumEventAgeInSeconds"]
            if "DestinationConfig" in params:
                success, failure = await _destinations(tx, ref, params["DestinationConfig"])
                if success is not None or not merge:
                    record.on_success = success or None
                if failure is not None or not merge:
                    record.on_failure = failure or None
            record.last_modified = now
            await INVOKE_CONFIGS.put(tx, key, record)
            return render.invoke_config(ref.account, ref.region, ref.name, record)

        return await self._store().write(write)

    async def get(self, ref: FunctionRef) -> Result:
        async def read(tx: Tx) -> Result:
            qualifier = ref.qualifier or LATEST
            record = await INVOKE_CONFIGS.get(tx, child_key(ref.key, qualifier))
            if record is None:
                raise _missing(ref, qualifier)
            return render.invoke_config(ref.account, ref.region, ref.name, record)

        return await self._store().read(read)

    async def delete(self, ref: FunctionRef) -> None:
        async def write(tx: Tx) -> None:
            qualifier = ref.qualifier or LATEST
            if not await INVOKE_CONFIGS.delete(tx, child_key(ref.key, qualifier)):
                raise _missing(ref, qualifier)

        await self._store().write(write)

    async def list(self, ref: FunctionRef, marker: str | None, max_items: int | None) -> Result:
        limit = max_items or 50

        async def read(tx: Tx) -> Result:
            if await FUNCTIONS.get(tx, ref.key) is None:
                raise errors.resource_not_found("The function doesn't exist.")
            rows = await INVOKE_CONFIGS.scan(tx, prefix=f"{ref.key}:")
            rows.sort(key=_list_order)
            if marker:
                names = [r.qualifier for r in rows]
                rows = rows[names.index(marker) + 1 :] if marker in names else []
            page = rows[:limit]
            out: Result = {
                "FunctionEventInvokeConfigs": [
                    render.invoke_config(ref.account, ref.region, ref.name, r) for r in page
                ]
            }
            if len(rows) > limit:
                out["NextMarker"] = page[-1].qualifier
            return out

        return await self._store().read(read)


async def effective(tx: Tx, ref: FunctionRef, qualifier: str) -> InvokeConfig | None:
    """The config that governs an async invocation made through ``qualifier``."""
    return await INVOKE_CONFIGS.get(tx, child_key(ref.key, qualifier))


def _list_order(record: InvokeConfig) -> tuple[int, int, str]:
    if record.qualifier == LATEST:
        return (0, 0, "")
    if is_version(record.qualifier):
        return (1, int(record.qualifier), "")
    return (2, 0, record.qualifier)


def _missing(ref: FunctionRef, qualifier: str) -> Exception:
    arn = ref.with_qualifier(qualifier).qualified_arn
    return errors.resource_not_found(f"The function {arn} doesn't have an EventInvokeConfig")


async def _existing_target(tx: Tx, ref: FunctionRef) -> str:
    """The qualifier the config is for, once the function and the qualifier are known."""
    fn = await FUNCTIONS.get(tx, ref.key)
    gone = errors.resource_not_found("The function doesn't exist.")
    if fn is None:
        raise gone
    qualifier = ref.qualifier or LATEST
    if qualifier == LATEST:
        return qualifier
    if is_version(qualifier):
        try:
            await lookup.version(tx, ref, fn, qualifier)
        except ServiceError:
            raise gone from None
    elif await lookup.alias(tx, ref, qualifier) is None:
        raise gone
    return qualifier


async def _destinations(
    tx: Tx, ref: FunctionRef, config: dict[str, Any]
) -> tuple[str | None, str | None]:
    """``(on_success, on_failure)`` ARNs, checked; ``None`` where the request names none,
    ``""`` where it names an empty destination."""
    success = (config.get("OnSuccess") or {}).get("Destination") if "OnSuccess" in config else None
    failure = (config.get("OnFailure") or {}).get("Destination") if "OnFailure" in config else None
    for arn in (success, failure):
        if not arn:
            continue
        service = arn.split(":")[2] if arn.count(":") >= 5 else ""
        if service not in DESTINATION_SERVICES:
            raise errors.invalid(
                f"The provided destination config {_describe(success, failure)} is invalid."
            )
        if service == "lambda":
            target = parse_arn(arn)
            if target is None or await FUNCTIONS.get(tx, target.key) is None:
                raise errors.invalid(f"The destination ARN {arn} is invalid.")
            if target.key == ref.key:
                raise errors.invalid("You can't specify the function as a destination for itself.")
    return (
        None if success is None and "OnSuccess" not in config else (success or ""),
        None if failure is None and "OnFailure" not in config else (failure or ""),
    )


def _describe(success: str | None, failure: str | None) -> str:
    on_success = f"OnSuccess(destination={success})" if success else "null"
    on_failure = f"OnFailure(destination={failure})" if failure else "null"
    return f"DestinationConfig(onSuccess={on_success}, onFailure={on_failure})"
