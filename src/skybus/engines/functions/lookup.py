"""Finding a function, a version or an alias inside a transaction, with Lambda's errors."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

from skybus.engines.functions import errors
from skybus.engines.functions.arns import LATEST, FunctionRef, is_version
from skybus.engines.functions.model import (
    ALIASES,
    FUNCTIONS,
    VERSIONS,
    Alias,
    Function,
    Version,
    child_key,
    version_key,
)
from skybus.store.contract import Tx


def new_revision() -> str:
    return str(uuid.uuid4())


@dataclass(slots=True)
class Resolved:
    """What a qualified reference runs: the function, the version chosen, and the alias."""

    function: Function
    version: Version
    alias: Alias | None = None


async def function(tx: Tx, ref: FunctionRef, *, qualified_error: bool = False) -> Function:
    """The function ``ref`` names; ``Function not found`` (with the qualifier in the ARN when
    ``qualified_error``) if there is none."""
    found = await FUNCTIONS.get(tx, ref.key)
    if found is None:
        raise errors.not_found(ref.qualified_arn if qualified_error else ref.arn)
    return found


async def version(tx: Tx, ref: FunctionRef, fn: Function, number: str) -> Version:
    if number == LATEST:
        return fn.latest
    found = await VERSIONS.get(tx, version_key(ref.key, number)) if is_version(number) else None
    if found is None:
        raise errors.not_found(ref.with_qualifier(number).qualified_arn)
    return found


async def alias(tx: Tx, ref: FunctionRef, name: str) -> Alias | None:
    return await ALIASES.get(tx, child_key(ref.key, name))


async def resolve(tx: Tx, ref: FunctionRef, *, route: bool = False) -> Resolved:
    """The configuration ``ref`` (with its qualifier) stands for.

    An alias resolves to its version; with ``route``, an alias with a routing configuration
    picks its additional version with the configured weight, as Invoke does.
    """
    fn = await function(tx, ref, qualified_error=True)
    qualifier = ref.qualifier
    if qualifier is None or qualifier == LATEST:
        return Resolved(fn, fn.latest)
    if is_version(qualifier):
        return Resolved(fn, await version(tx, ref, fn, qualifier))
    found = await alias(tx, ref, qualifier)
    if found is None:
        raise errors.not_found(ref.qualified_arn)
    chosen = found.function_version
    if route and found.weights:
        for extra, weight in found.weights.items():
            if random.random() < weight:
                chosen = extra
                break
    return Resolved(fn, await version(tx, ref, fn, chosen), found)


def check_revision(expected: str | None, actual: str) -> None:
    if expected and expected != actual:
        raise errors.precondition_failed()
