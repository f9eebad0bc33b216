"""Function-level settings that are not versioned: tags and reserved concurrency, and the
account-wide view of them (GetAccountSettings)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from skybus import limits
from skybus.engines.functions import errors, lookup
from skybus.engines.functions.arns import FunctionRef, parse_arn
from skybus.engines.functions.model import FUNCTIONS, VERSIONS, Version
from skybus.store.contract import Store, Tx

Result = dict[str, Any]


class AccountSettings:
    def __init__(
        self, store: Callable[[], Store], changed: Callable[[], None] = lambda: None
    ) -> None:
        self._store = store
        self._changed = changed

    # tags --------------------------------------------------------------------------------

    async def tag(self, account: str, region: str, resource: str, tags: dict[str, str]) -> None:
        ref = _tagged(resource, account, region)
        if not tags:
            raise errors.invalid("An error occurred and the request cannot be processed.")

        async def write(tx: Tx) -> None:
            fn = await lookup.function(tx, ref)
            merged = {**fn.tags, **tags}
            if len(merged) > limits.LAMBDA_MAX_TAGS:
                raise errors.invalid("Number of tags exceeds resource tag limit.")
            fn.tags = merged
            fn.latest.revision_id = lookup.new_revision()
            await FUNCTIONS.put(tx, ref.key, fn)

        await self._store().write(write)
        self._changed()

    async def untag(self, account: str, region: str, resource: str, keys: list[str]) -> None:
        ref = _tagged(resource, account, region)

        async def write(tx: Tx) -> None:
            fn = await lookup.function(tx, ref)
            fn.tags = {k: v for k, v in fn.tags.items() if k not in keys}
            fn.latest.revision_id = lookup.new_revision()
            await FUNCTIONS.put(tx, ref.key, fn)

        await self._store().write(write)
        self._changed()

    async def list_tags(self, account: str, region: str, resource: str) -> Result:
        ref = _tagged(resource, account, region)

        async def read(tx: Tx) -> Result:
            fn = await lookup.function(tx, ref)
            return {"Tags": dict(fn.tags)}

        return await self._store().read(read)

    # reserved concurrency ----------------------------------------------------------------

    async def put_concurrency(self, ref: FunctionRef, reserved: int) -> Result:
        async def write(tx: Tx) -> Result:
            if ref.qualifier is not None:
                raise errors.unqualified_only()
            fn = await lookup.function(tx, ref.with_qualifier("$LATEST"), qualified_error=True)
            others = 0
            for other in await FUNCTIONS.scan(tx, prefix=f"{ref.account}:{ref.region}:"):
                if other.name != fn.name and other.reserved_concurrency:
                    others += other.reserved_concurrency
            unreserved = limits.LAMBDA_ACCOUNT_CONCURRENCY - others - reserved
            if unreserved < limits.LAMBDA_MIN_UNRESERVED_CONCURRENCY:
                raise errors.invalid(
                    "Specified ReservedConcurrentExecutions for function decreases account's "
                    "UnreservedConcurrentExecution below its minimum value of "
                    f"[{limits.LAMBDA_MIN_UNRESERVED_CONCURRENCY}]."
                )
            fn.reserved_concurrency = reserved
            await FUNCTIONS.put(tx, ref.key, fn)
            return {"ReservedConcurrentExecutions": reserved}

        result = await self._store().write(write)
        self._changed()
        return result

    async def get_concurrency(self, ref: FunctionRef) -> Result:
        async def read(tx: Tx) -> Result:
            if ref.qualifier is not None:
                raise errors.unqualified_only()
            fn = await lookup.function(tx, ref)
            if fn.reserved_concurrency is None:
                return {}
            return {"ReservedConcurrentExecutions": fn.reserved_concurrency}

        return await self._store().read(read)

    async def delete_concurrency(self, ref: FunctionRef) -> None:
        async def write(tx: Tx) -> None:
            if ref.qualifier is not None:
                raise errors.unqualified_only()
            fn = await lookup.function(tx, ref)
            fn.reserved_concurrency = None
            await FUNCTIONS.put(tx, ref.key, fn)

        await self._store().write(write)
        self._changed()

    # account -----------------------------------------------------------------------------

    async def account_settings(self, account: str, region: str) -> Result:
        async def read(tx: Tx) -> Result:
            functions = await FUNCTIONS.scan(tx, prefix=f"{account}:{region}:")
            reserved = sum(fn.reserved_concurrency or 0 for fn in functions)
            total = 0
            for fn in functions:
                total += _code_size(fn.latest)
                for version in await VERSIONS.scan(tx, prefix=f"{account}:{region}:{fn.name}:"):
                    total += _code_size(version)
            return {
                "AccountLimit": {
                    "TotalCodeSize": limits.LAMBDA_TOTAL_CODE_STORAGE_BYTES,
                    "CodeSizeUnzipped": limits.LAMBDA_MAX_UNZIPPED_BYTES,
                    "CodeSizeZipped": limits.LAMBDA_MAX_ZIP_BYTES,
                    "ConcurrentExecutions": limits.LAMBDA_ACCOUNT_CONCURRENCY,
                    "UnreservedConcurrentExecutions": limits.LAMBDA_ACCOUNT_CONCURRENCY - reserved,
                },
                "AccountUsage": {"TotalCodeSize": total, "FunctionCount": len(functions)},
            }

        return await self._store().read(read)


def _code_size(version: Version) -> int:
    return version.settings.code.size if version.settings.code.folder is None else 0


def _tagged(resource: str, account: str, region: str) -> FunctionRef:
    ref = parse_arn(resource)
    if ref is None:
        # The model's pattern admits other Lambda resources (event source mappings, ...).
        raise errors.resource_not_found(f"Function not found: {resource}")
    if ref.region != region:
        raise errors.wrong_region(ref.region, region)
    if ref.account != account:
        raise errors.not_found(ref.qualified_arn)
    if ref.qualifier is not None:
        raise errors.invalid(
            "Tags on function aliases and versions are not supported. Please specify a function "
            "ARN."
        )
    return ref
