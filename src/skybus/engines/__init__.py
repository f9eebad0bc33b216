"""Engines: the behaviour behind the AWS APIs (topics, queues, functions, tables, apis,
schedules), with no HTTP inside. Each keeps its state in the node's store.

An engine is created on first use by :meth:`skybus.node.Node.engine` (one instance per node and
class) and started and stopped with the node, in creation order and reverse. Engines that need
another engine ask the node for it in their constructor, so dependencies start first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skybus.node import Node


class Engine:
    def __init__(self, node: Node) -> None:
        self.node = node

    async def start(self) -> None:
        """Open what the engine needs (background workers, caches); the store is open."""

    def stopping(self) -> None:
        """The node has begun to shut down: in-flight requests are finishing. Let anything that
        would keep a request waiting (a long poll) return now."""

    async def stop(self) -> None:
        """Stop background work; called before the store closes."""
