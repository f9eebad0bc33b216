"""A stored function version turned into the :class:`FunctionSpec` the runtime runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from skybus.engines.functions import code
from skybus.engines.functions.arns import FunctionRef, function_arn
from skybus.engines.functions.lookup import Resolved
from skybus.engines.functions.model import CodeRef
from skybus.engines.functions.runtime.spec import CodeError, CodeSource, FunctionSpec
from skybus.store.contract import Store, Tx


@dataclass(frozen=True, slots=True)
class Target:
    """One invocation's resolved target: what to run and how it was asked for."""

    spec: FunctionSpec
    invoked_arn: str
    """The ARN the caller used: qualified when the caller named a version or alias."""
    reserved_concurrency: int | None
    dead_letter_arn: str | None


def zip_loader(
    store: Callable[[], Store], function_key: str, ref: CodeRef
) -> Callable[[], Awaitable[bytes]]:
    async def load() -> bytes:
        async def read(tx: Tx) -> bytes | None:
            return await code.load_zip(tx, function_key, ref)

        data = await store().read(read)
        if data is None:
            raise CodeError("The function's code is no longer stored (was it deleted?).")
        return data

    return load


def target(store: Callable[[], Store], ref: FunctionRef, found: Resolved) -> Target:
    version = found.version
    settings = version.settings
    ref_code = settings.code
    if ref_code.folder is not None:
        source = CodeSource(folder=Path(ref_code.folder))
    else:
        source = CodeSource(zip_loader=zip_loader(store, ref.key, ref_code))
    spec = FunctionSpec(
        name=ref.name,
        arn=function_arn(ref.region, ref.account, ref.name, version.version),
        version=version.version,
        account=ref.account,
        region=ref.region,
        runtime=settings.runtime,
        handler=settings.handler,
        code_sha256=ref_code.sha256,
        code=source,
        environment=dict(settings.environment or {}),
        timeout_s=settings.timeout,
        memory_mb=settings.memory,
        ephemeral_mb=settings.ephemeral,
        reserved_concurrency=found.function.reserved_concurrency,
        revision=version.revision_id,
    )
    return Target(
        spec=spec,
        invoked_arn=ref.qualified_arn,
        reserved_concurrency=found.function.reserved_concurrency,
        dead_letter_arn=settings.dead_letter_arn,
    )
