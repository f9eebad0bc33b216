"""Invoke's view of function configurations, kept in memory for the warm path.

Every Invoke needs the function's configuration; reading and decoding it from the store costs
more than the rest of Skybus's share of a warm invoke. Entries are dropped as soon as this node
changes a function (so a node always invokes what it was last told), and live at most
:data:`MAX_AGE_SECONDS`, so a change made through another node sharing the store is seen within
that time. Aliases with a routing configuration are not cached: each call draws its version.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from skybus.engines.functions.arns import FunctionRef
from skybus.engines.functions.specs import Target

MAX_AGE_SECONDS = 1.0
MAX_ENTRIES = 4096

Entry = tuple[Target, float]


class TargetCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[tuple[str, str | None], Entry] = {}

    async def get(
        self,
        ref: FunctionRef,
        load: Callable[[FunctionRef], Awaitable[tuple[Target, bool]]],
    ) -> Target:
        """The cached target of ``ref``, or ``load(ref)``'s (which says whether to keep it)."""
        key = (ref.key, ref.qualifier)
        now = self._clock()
        found = self._entries.get(key)
        if found is not None and now - found[1] < MAX_AGE_SECONDS:
            return found[0]
        target, keep = await load(ref)
        if keep:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = (target, now)
        return target

    def clear(self) -> None:
        self._entries.clear()
