"""The function lifecycle: create, read, list, update, publish and delete.

Each operation is one store transaction, so a failed request changes nothing and a function is
never seen half-written, on either backend.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from skybus import limits
from skybus.engines.functions import code, errors, lookup, render
from skybus.engines.functions import settings as config
from skybus.engines.functions.arns import LATEST, FunctionRef
from skybus.engines.functions.model import (
    ALIASES,
    FUNCTIONS,
    INVOKE_CONFIGS,
    POLICIES,
    VERSIONS,
    Function,
    Version,
    child_key,
    version_key,
)
from skybus.store.contract import Store, Tx

Result = dict[str, Any]


class Catalog:
    def __init__(
        self,
        store: Callable[[], Store],
        clock: Callable[[], float],
        changed: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._changed = changed

    @property
    def store(self) -> Store:
        return self._store()

    # create ------------------------------------------------------------------------------

    async def create(self, ref: FunctionRef, params: dict[str, Any]) -> Result:
        config.refuse_unsupported(params)
        upload = code.from_request(params.get("Code") or {})
        settings = config.new_settings(params, upload.ref)
        tags = dict(params.get("Tags") or {})
        if len(tags) > limits.LAMBDA_MAX_TAGS:
            raise errors.invalid("Number of tags exceeds resource tag limit.")
        now = self._clock()
        publish = bool(params.get("Publish"))

        async def write(tx: Tx) -> Result:
            latest = Version(LATEST, settings, lookup.new_revision(), now)
            fn = Function(ref.name, latest, tags=tags)
            shown = latest
            if publish:
                shown = _published(fn, now, None)
                await VERSIONS.put(tx, version_key(ref.key, shown.version), shown)
            if not await FUNCTIONS.insert(tx, ref.key, fn):
                raise errors.conflict(f"Function already exist: {ref.name}")
            await code.store_zip(tx, ref.key, upload)
            return render.configuration(ref.account, ref.region, ref.name, shown)

        result = await self.store.write(write)
        self._changed()
        return result

    # read --------------------------------------------------------------------------------

    async def get(self, ref: FunctionRef) -> Result:
        async def read(tx: Tx) -> Result:
            found = await lookup.resolve(tx, ref)
            fn = found.function
            out: Result = {
                "Configuration": render.configuration(
                    ref.account, ref.region, ref.name, found.version, arn_qualifier=ref.qualifier
                ),
                "Code": {"RepositoryType": "S3"},
            }
            if fn.tags:
                out["Tags"] = dict(fn.tags)
            if fn.reserved_concurrency is not None:
                out["Concurrency"] = {"ReservedConcurrentExecutions": fn.reserved_concurrency}
            return out

        return await self.store.read(read)

    async def get_configuration(self, ref: FunctionRef) -> Result:
        async def read(tx: Tx) -> Result:
            found = await lookup.resolve(tx, ref)
            return render.configuration(
                ref.account, ref.region, ref.name, found.version, arn_qualifier=ref.qualifier
            )

        return await self.store.read(read)

    async def list(
        self, account: str, region: str, marker: str | None, max_items: int | None, every: bool
    ) -> Result:
        limit = max_items or limits.LAMBDA_LIST_PAGE_SIZE
        prefix = f"{account}:{region}:"

        async def read(tx: Tx) -> Result:
            after = prefix + marker if marker else None
            rows = await FUNCTIONS.scan(tx, prefix=prefix, after=after, limit=limit + 1)
            page = rows[:limit]
            out: list[Result] = []
            for fn in page:
                if not every:
                    out.append(
                        render.configuration(account, region, fn.name, fn.latest, listing=True)
                    )
                    continue
                out.append(
                    render.configuration(
                        account, region, fn.name, fn.latest, arn_qualifier=LATEST, listing=True
                    )
                )
                for version in await VERSIONS.scan(tx, prefix=f"{prefix}{fn.name}:"):
                    out.append(
                        render.configuration(
                            account,
                            region,
                            fn.name,
                            version,
                            arn_qualifier=version.version,
                            listing=True,
                        )
                    )
            result: Result = {"Functions": out}
            if len(rows) > limit:
                result["NextMarker"] = page[-1].name
            return result

        return await self.store.read(read)

    async def list_versions(
        self, ref: FunctionRef, marker: str | None, max_items: int | None
    ) -> Result:
        limit = max_items or limits.LAMBDA_LIST_PAGE_SIZE

        async def read(tx: Tx) -> Result:
            fn = await lookup.function(tx, ref)
            versions = [fn.latest, *await VERSIONS.scan(tx, prefix=f"{ref.key}:")]
            if marker:
                names = [v.version for v in versions]
                versions = versions[names.index(marker) + 1 :] if marker in names else []
            page = versions[:limit]
            result: Result = {
                "Versions": [
                    render.configuration(
                        ref.account, ref.region, ref.name, v, arn_qualifier=v.version, listing=True
                    )
                    for v in page
                ]
            }
            if len(versions) > limit:
                result["NextMarker"] = page[-1].version
            return result

        return await self.store.read(read)

    # update ------------------------------------------------------------------------------

    async def update_code(self, ref: FunctionRef, params: dict[str, Any]) -> Result:
        _unqualified(ref)
        upload = code.from_request(params)
        dry_run = bool(params.get("DryRun"))
        now = self._clock()

        async def write(tx: Tx) -> Result:
            fn = await lookup.function(tx, ref)
            lookup.check_revision(params.get("RevisionId"), fn.latest.revision_id)
            old = fn.latest.settings.code
            changed = dataclasses.replace(fn.latest.settings, code=upload.ref)
            if "Architectures" in params:
                changed.architectures = list(params["Architectures"])
            if dry_run:
                return render.configuration(ref.account, ref.region, ref.name, fn.latest)
            fn.latest = Version(LATEST, changed, lookup.new_revision(), now)
            fn.published = None
            await code.store_zip(tx, ref.key, upload)
            shown = fn.latest
            if params.get("Publish"):
                shown = _published(fn, now, None)
                await VERSIONS.put(tx, version_key(ref.key, shown.version), shown)
            await FUNCTIONS.put(tx, ref.key, fn)
            if old.digest != upload.ref.digest:
                await _drop_unused_zip(tx, ref, fn, old.digest)
            qualifier = shown.version if shown is not fn.latest else None
            return render.configuration(
                ref.account, ref.region, ref.name, shown, arn_qualifier=qualifier
            )

        result = await self.store.write(write)
        self._changed()
        return result

    async def update_configuration(self, ref: FunctionRef, params: dict[str, Any]) -> Result:
        _unqualified(ref)
        now = self._clock()

        async def write(tx: Tx) -> Result:
            fn = await lookup.function(tx, ref)
            lookup.check_revision(params.get("RevisionId"), fn.latest.revision_id)
            changed = config.updated_settings(fn.latest.settings, params)
            fn.latest = Version(LATEST, changed, lookup.new_revision(), now)
            fn.published = None
            await FUNCTIONS.put(tx, ref.key, fn)
            return render.configuration(ref.account, ref.region, ref.name, fn.latest)

        result = await self.store.write(write)
        self._changed()
        return result

    # publish -----------------------------------------------------------------------------

    async def publish(self, ref: FunctionRef, params: dict[str, Any]) -> Result:
        _unqualified(ref)
        now = self._clock()

        async def write(tx: Tx) -> Result:
            fn = await lookup.function(tx, ref)
            lookup.check_revision(params.get("RevisionId"), fn.latest.revision_id)
            expected = params.get("CodeSha256")
            actual = fn.latest.settings.code.sha256
            if expected and expected != actual:
                raise errors.invalid(
                    f"CodeSHA256 ({expected}) is different from current CodeSHA256 in $LATEST "
                    f"({actual}). Please try again with the CodeSHA256 in $LATEST."
                )
            if fn.published is not None:
                existing = await VERSIONS.get(tx, version_key(ref.key, fn.published))
                if existing is not None:
                    return render.configuration(
                        ref.account, ref.region, ref.name, existing, arn_qualifier=fn.published
                    )
            version = _published(fn, now, params.get("Description"))
            await VERSIONS.put(tx, version_key(ref.key, version.version), version)
            await FUNCTIONS.put(tx, ref.key, fn)
            return render.configuration(
                ref.account, ref.region, ref.name, version, arn_qualifier=version.version
            )

        return await self.store.write(write)

    # delete ------------------------------------------------------------------------------

    async def delete(self, ref: FunctionRef) -> None:
        async def write(tx: Tx) -> None:
            fn = await lookup.function(tx, ref)
            if ref.qualifier is None:
                await _delete_everything(tx, ref)
                return
            if ref.qualifier == LATEST:
                raise errors.invalid(
                    "$LATEST version cannot be deleted without deleting the function."
                )
            version = await lookup.version(tx, ref, fn, ref.qualifier)
            users = [
                a.name
                for a in await ALIASES.scan(tx, prefix=f"{ref.key}:")
                if a.function_version == version.version or version.version in (a.weights or {})
            ]
            if users:
                raise errors.conflict(
                    "Unable to delete version because the following aliases reference it: "
                    f"[{', '.join(users)}]"
                )
            await VERSIONS.delete(tx, version_key(ref.key, version.version))
            await INVOKE_CONFIGS.delete(tx, child_key(ref.key, version.version))
            await POLICIES.delete(tx, child_key(ref.key, version.version))
            digest = version.settings.code.digest
            await _drop_unused_zip(tx, ref, fn, digest)

        await self.store.write(write)
        self._changed()


def _unqualified(ref: FunctionRef) -> None:
    if ref.qualifier not in (None, LATEST):
        raise errors.invalid(
            "Current operation does not support versions other than $LATEST. Please set "
            "version to $LATEST or do not set a version in your request."
        )


def _published(fn: Function, now: float, description: str | None) -> Version:
    """A new version frozen from ``fn.latest``; updates ``fn``'s counters."""
    number = str(fn.next_version)
    settings = dataclasses.replace(fn.latest.settings)
    if description is not None:
        settings.description = description
    fn.next_version += 1
    fn.published = number
    return Version(number, settings, lookup.new_revision(), now)


async def _drop_unused_zip(tx: Tx, ref: FunctionRef, fn: Function, digest: str) -> None:
    """Delete a zip no version of the function runs any more."""
    if not digest or fn.latest.settings.code.digest == digest:
        return
    for version in await VERSIONS.scan(tx, prefix=f"{ref.key}:"):
        if version.settings.code.digest == digest:
            return
    await code.drop_zip(tx, ref.key, digest)


async def _delete_everything(tx: Tx, ref: FunctionRef) -> None:
    await FUNCTIONS.delete(tx, ref.key)
    prefix = f"{ref.key}:"
    for records in (VERSIONS, ALIASES, INVOKE_CONFIGS, POLICIES):
        for key, _ in await records.items(tx, prefix=prefix):
            await records.delete(tx, key)
    await code.drop_all(tx, ref.key)
