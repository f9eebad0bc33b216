"""The logs engine: CloudWatch Logs groups, streams and events, per account and region.

It is the one place log data goes through: the Logs API service calls it, and the function
runtime stores its workers' output with :meth:`LogsEngine.put_events`. Every new event wakes the
group's channel on the node's bus, so a reader waiting on :meth:`LogsEngine.wait_for_events`
sees it at once instead of on its next poll.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from skybus import limits
from skybus.engines import Engine
from skybus.engines.logs import filtering, groups, ingest, reading, streams
from skybus.engines.logs.errors import invalid
from skybus.engines.logs.patterns import compile_pattern
from skybus.engines.logs.records import LogGroup
from skybus.engines.logs.sweeper import Sweeper
from skybus.store import Store

if TYPE_CHECKING:
    from skybus.node import Node

Event = tuple[int, str]


class LogsEngine(Engine):
    def __init__(self, node: Node) -> None:
        super().__init__(node)
        self.sweeper = Sweeper(node)

    async def start(self) -> None:
        self.sweeper.start()

    async def stop(self) -> None:
        await self.sweeper.stop()

    @property
    def store(self) -> Store:
        return self.node.store

    def now_ms(self) -> int:
        return int(self.node.clock() * 1000)

    @staticmethod
    def channel(account: str, region: str, group: str) -> str:
        """The bus channel notified whenever events are added to a group."""
        return f"logs:{account}:{region}:{group}"

    # --- Events ----------------------------------------------------------------------------

    async def put_events(
        self, account: str, region: str, group: str, stream: str, events: list[Event]
    ) -> None:
        """Store ``(timestamp ms, message)`` events, creating the group and stream if missing.

        This is the function runtime's path: no PutLogEvents batch rules, no size limits (the
        caller bounds what it sends), every event is kept.
        """
        if not events:
            return
        await ingest.put_events(
            self.store, account, region, group, stream, events, now_ms=self.now_ms()
        )
        self.node.bus.notify(self.channel(account, region, group))

    async def wait_for_events(self, account: str, region: str, group: str, seconds: float) -> bool:
        """Wait until events are added to ``group`` on this node or ``seconds`` pass."""
        return await self.node.bus.wait(self.channel(account, region, group), seconds)

    async def put_log_events(
        self, account: str, region: str, group: str, stream: str, events: Sequence[Event]
    ) -> ingest.PutResult:
        result = await ingest.put_log_events(
            self.store, account, region, group, stream, events, now_ms=self.now_ms()
        )
        self.node.bus.notify(self.channel(account, region, group))
        return result

    async def get_log_events(
        self,
        account: str,
        region: str,
        group: str,
        stream: str,
        *,
        start_ms: int | None = None,
        end_ms: int | None = None,
        token: str | None = None,
        limit: int | None = None,
        from_head: bool = False,
    ) -> reading.EventsPage:
        return await reading.get_log_events(
            self.store,
            account,
            region,
            group,
            stream,
            start_ms=start_ms,
            end_ms=end_ms,
            token=token,
            limit=limit or limits.LOGS_GET_EVENTS_LIMIT,
            from_head=from_head,
        )

    async def filter_log_events(
        self,
        account: str,
        region: str,
        group: str,
        *,
        pattern: str | None = None,
        stream_names: list[str] | None = None,
        stream_prefix: str | None = None,
        start_ms: int | None = None,
        end_ms: int | None = None,
        token: str | None = None,
        limit: int | None = None,
        from_head: bool = True,
    ) -> filtering.FilterPage:
        return await filtering.filter_log_events(
            self.store,
            account,
            region,
            group,
            matches=compile_pattern(pattern),
            stream_names=stream_names,
            stream_prefix=stream_prefix,
            start_ms=start_ms,
            end_ms=end_ms,
            token=token,
            limit=limit or limits.LOGS_GET_EVENTS_LIMIT,
            from_head=from_head,
        )

    # --- Groups ----------------------------------------------------------------------------

    async def create_group(
        self,
        account: str,
        region: str,
        name: str,
        *,
        tags: dict[str, str] | None = None,
        group_class: str = "STANDARD",
        deletion_protection: bool = False,
    ) -> LogGroup:
        return await groups.create_group(
            self.store,
            account,
            region,
            name,
            now_ms=self.now_ms(),
            tags=tags,
            group_class=group_class,
            deletion_protection=deletion_protection,
        )

    async def delete_group(self, account: str, region: str, name: str) -> None:
        await groups.delete_group(self.store, account, region, name)
        self.sweeper.wake()

    async def describe_groups(
        self,
        account: str,
        region: str,
        *,
        prefix: str | None = None,
        pattern: str | None = None,
        names: list[str] | None = None,
        group_class: str | None = None,
        token: str | None = None,
        limit: int | None = None,
    ) -> groups.GroupPage:
        return await groups.describe_groups(
            self.store,
            account,
            region,
            prefix=prefix,
            pattern=pattern,
            names=names,
            group_class=group_class,
            token=token,
            limit=limit or limits.LOGS_DESCRIBE_LIMIT,
        )

    async def put_retention(self, account: str, region: str, name: str, days: int) -> None:
        def change(group: LogGroup) -> None:
            group.retention_days = days

        await groups.update_group(self.store, account, region, name, change)

    async def delete_retention(self, account: str, region: str, name: str) -> None:
        def change(group: LogGroup) -> None:
            group.retention_days = None

        await groups.update_group(self.store, account, region, name, change)

    async def set_deletion_protection(
        self, account: str, region: str, name: str, enabled: bool
    ) -> None:
        def change(group: LogGroup) -> None:
            group.deletion_protection = enabled

        await groups.update_group(self.store, account, region, name, change)

    async def tag_group(
        self, account: str, region: str, name: str, tags: dict[str, str], *, arn: str
    ) -> None:
        await groups.update_group(self.store, account, region, name, groups.add_tags(tags, arn))

    async def untag_group(self, account: str, region: str, name: str, keys: list[str]) -> None:
        await groups.update_group(self.store, account, region, name, groups.remove_tags(keys))

    async def group_tags(self, account: str, region: str, name: str) -> dict[str, str]:
        group = await self.store.read(lambda tx: groups.load_group(tx, account, region, name))
        return dict(group.tags)

    # --- Streams ---------------------------------------------------------------------------

    async def create_stream(self, account: str, region: str, group: str, name: str) -> None:
        await streams.create_stream(self.store, account, region, group, name, now_ms=self.now_ms())

    async def delete_stream(self, account: str, region: str, group: str, name: str) -> None:
        await streams.delete_stream(self.store, account, region, group, name)
        self.sweeper.wake()

    async def describe_streams(
        self,
        account: str,
        region: str,
        group: str,
        *,
        prefix: str | None = None,
        order_by: str = "LogStreamName",
        descending: bool = False,
        token: str | None = None,
        limit: int | None = None,
    ) -> streams.StreamPage:
        if order_by not in ("LogStreamName", "LastEventTime"):
            raise invalid(f"Unknown orderBy {order_by!r}.")
        return await streams.describe_streams(
            self.store,
            account,
            region,
            group,
            prefix=prefix,
            by_last_event=order_by == "LastEventTime",
            descending=descending,
            token=token,
            limit=limit or limits.LOGS_DESCRIBE_LIMIT,
        )
