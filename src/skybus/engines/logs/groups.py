"""Log groups: creation, deletion, listing and the settings kept on the group record
(retention, deletion protection, tags)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from skybus import limits
from skybus.engines.logs.errors import deletion_protected, group_exists, group_not_found, invalid
from skybus.engines.logs.records import (
    GROUPS,
    STREAMS,
    LogGroup,
    group_key,
    new_id,
)
from skybus.engines.logs.sweeper import schedule_sweep
from skybus.engines.logs.tokens import decode_cursor, encode_cursor
from skybus.store import Store
from skybus.store.contract import Tx
from skybus.wire.errors import ServiceError


@dataclass(frozen=True, slots=True)
class GroupInfo:
    """A group as DescribeLogGroups shows it."""

    group: LogGroup
    stored_bytes: int | None


@dataclass(frozen=True, slots=True)
class GroupPage:
    groups: list[GroupInfo]
    next_token: str | None


async def load_group(tx: Tx, account: str, region: str, name: str) -> LogGroup:
    group = await GROUPS.get(tx, group_key(account, region, name))
    if group is None:
        raise group_not_found()
    return group


async def stored_bytes(tx: Tx, group: LogGroup) -> int:
    return sum(stream.stored_bytes for stream in await STREAMS.scan(tx, prefix=group.id))


async def create_group(
    store: Store,
    account: str,
    region: str,
    name: str,
    *,
    now_ms: int,
    tags: dict[str, str] | None = None,
    group_class: str = "STANDARD",
    deletion_protection: bool = False,
) -> LogGroup:
    if name.startswith("aws/"):
        # AWS reserves the prefix; its wording for the refusal is not recorded.
        raise invalid("Log group names can't start with the string aws/")
    group = LogGroup(
        name=name,
        gid=new_id(),
        created_ms=now_ms,
        group_class=group_class,
        deletion_protection=deletion_protection,
        tags=dict(tags or {}),
    )

    async def create(tx: Tx) -> None:
        if not await GROUPS.insert(tx, group_key(account, region, name), group):
            raise group_exists()

    await store.write(create)
    return group


async def ensure_group(tx: Tx, account: str, region: str, name: str, now_ms: int) -> LogGroup:
    """The group, created with default settings when missing (inside a write)."""
    key = group_key(account, region, name)
    group = await GROUPS.get(tx, key)
    if group is not None:
        return group
    group = LogGroup(name=name, gid=new_id(), created_ms=now_ms)
    if await GROUPS.insert(tx, key, group):
        return group
    # Created by a concurrent writer that committed first.
    found = await GROUPS.get(tx, key)
    if found is None:  # pragma: no cover - deleted again in between
        raise group_not_found()
    return found


async def delete_group(store: Store, account: str, region: str, name: str) -> None:
    key = group_key(account, region, name)

    async def delete(tx: Tx) -> None:
        group = await GROUPS.get(tx, key, for_update=True)
        if group is None:
            raise group_not_found()
        if group.deletion_protection:
            raise deletion_protected()
        await GROUPS.delete(tx, key)
        # Streams and events stay invisible under the dead group id until swept.
        await schedule_sweep(tx, group.id, streams=True)

    await store.write(delete)


async def update_group(
    store: Store, account: str, region: str, name: str, change: Callable[[LogGroup], None]
) -> LogGroup:
    """Apply ``change`` to the stored group; errors raised by ``change`` leave it as it was."""
    key = group_key(account, region, name)

    async def update(tx: Tx) -> LogGroup:
        group = await GROUPS.get(tx, key, for_update=True)
        if group is None:
            raise group_not_found()
        change(group)
        await GROUPS.put(tx, key, group)
        return group

    return await store.write(update)


def add_tags(tags: dict[str, str], arn: str) -> Callable[[LogGroup], None]:
    def change(group: LogGroup) -> None:
        merged = {**group.tags, **tags}
        if len(merged) > limits.LOGS_MAX_TAGS:
            # AWS's wording is not recorded.
            raise ServiceError(
                "TooManyTagsException",
                f"A resource can have no more than {limits.LOGS_MAX_TAGS} tags.",
                fields={"resourceName": arn},
            )
        group.tags = merged

    return change


def remove_tags(keys: list[str]) -> Callable[[LogGroup], None]:
    def change(group: LogGroup) -> None:
        for key in keys:
            group.tags.pop(key, None)

    return change


async def describe_groups(
    store: Store,
    account: str,
    region: str,
    *,
    prefix: str | None = None,
    pattern: str | None = None,
    names: list[str] | None = None,
    group_class: str | None = None,
    token: str | None = None,
    limit: int = limits.LOGS_DESCRIBE_LIMIT,
) -> GroupPage:
    """Groups in name order. ``pattern`` is a case-sensitive substring; with it AWS leaves
    storedBytes out, and so does this (``stored_bytes`` None)."""
    if prefix is not None and pattern is not None:
        raise invalid(
            "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."
        )
    after = None if token is None else str(decode_cursor(token, "s")[0])
    scope = group_key(account, region)
    classes = _classes(group_class)

    def wanted(group: LogGroup) -> bool:
        if classes is not None and group.group_class not in classes:
            return False
        return pattern is None or pattern in group.name

    async def read(tx: Tx) -> GroupPage:
        found: list[LogGroup] = []
        more = False
        if names is not None:
            candidates = []
            for name in sorted(set(names)):
                group = await GROUPS.get(tx, group_key(account, region, name))
                if group is not None and (after is None or name > after):
                    candidates.append(group)
            found = [g for g in candidates if wanted(g)][: limit + 1]
        else:
            cursor = None if after is None else scope + after.encode()
            while len(found) <= limit:
                chunk = await GROUPS.items(
                    tx, prefix=scope + (prefix or "").encode(), after=cursor, limit=limit + 1
                )
                found.extend(group for _, group in chunk if wanted(group))
                if len(chunk) <= limit:
                    break
                cursor = chunk[-1][0]
        if len(found) > limit:
            found, more = found[:limit], True
        infos = [
            GroupInfo(g, None if pattern is not None else await stored_bytes(tx, g)) for g in found
        ]
        next_token = encode_cursor(found[-1].name) if more and found else None
        return GroupPage(infos, next_token)

    return await store.read(read)


def _classes(group_class: str | None) -> frozenset[str] | None:
    if group_class is None:
        return None
    # "If you specify either INFREQUENT_ACCESS or ESSENTIALS, the results include log groups
    # in both the Infrequent Access and Essentials log classes."
    if group_class in ("INFREQUENT_ACCESS", "ESSENTIALS"):
        return frozenset({"INFREQUENT_ACCESS", "ESSENTIALS"})
    return frozenset({group_class})
