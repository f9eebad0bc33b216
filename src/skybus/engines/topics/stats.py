"""Delivery counters per subscription, so a subscription that keeps failing is visible.

Each node counts in memory and adds its counts to the stored totals (space ``sns.stats``, one
record per subscription) about once a second, in one transaction for all subscriptions that
changed, so counting costs no write per delivery. GetSubscriptionAttributes shows the totals as
``Skybus*`` attributes; a node that crashes loses at most its last second of counts (never a
message). Failures are also logged, at most once per subscription every few seconds, with how
many were left out of the log.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from skybus import limits
from skybus.engines.topics.messages import timestamp
from skybus.store import Records, Tx

log = logging.getLogger("skybus.topics")

COUNTERS = (
    "Delivered",
    "FailedAttempts",
    "Retried",
    "DeadLettered",
    "Discarded",
    "Deferred",
)


@dataclass(slots=True)
class Totals:
    counts: dict[str, int] = field(default_factory=dict)
    last_error: str = ""
    last_error_at: float = 0.0
    last_delivered_at: float = 0.0


STATS = Records("sns.stats", Totals)


class Stats:
    def __init__(self) -> None:
        self._pending: dict[str, Totals] = {}
        self._logged: dict[str, tuple[float, int]] = {}

    def count(self, sub_key: str, counter: str, now: float, n: int = 1) -> None:
        totals = self._pending.get(sub_key)
        if totals is None:
            totals = self._pending[sub_key] = Totals()
        totals.counts[counter] = totals.counts.get(counter, 0) + n
        if counter == "Delivered":
            totals.last_delivered_at = now

    def failed(self, sub_key: str, sub_arn: str, reason: str, now: float, *, final: str) -> None:
        """Record a failed attempt; ``final`` is "" (will retry) or what became of it."""
        self.count(sub_key, "FailedAttempts", now)
        totals = self._pending[sub_key]
        totals.last_error = reason
        totals.last_error_at = now
        if final:
            self.count(sub_key, final, now)
        self._log(sub_key, sub_arn, reason, final)

    def note(self, sub_key: str, sub_arn: str, reason: str, now: float) -> None:
        """Record why a delivery is waiting (not a failed attempt)."""
        totals = self._pending.setdefault(sub_key, Totals())
        totals.last_error = reason
        totals.last_error_at = now
        self._log(sub_key, sub_arn, reason, "Deferred")

    def _log(self, sub_key: str, sub_arn: str, reason: str, final: str) -> None:
        moment = time.monotonic()
        last, skipped = self._logged.get(sub_key, (0.0, 0))
        if moment - last < limits.SNS_FAILURE_LOG_INTERVAL_SECONDS:
            self._logged[sub_key] = (last, skipped + 1)
            return
        self._logged[sub_key] = (moment, 0)
        outcome = {
            "": "will retry",
            "DeadLettered": "sent to the dead-letter queue",
            "Deferred": "kept in the outbox for later",
        }.get(final, "discarded")
        more = f" ({skipped} more failures since the last report)" if skipped else ""
        log.warning("delivery to %s failed: %s; %s%s", sub_arn, reason, outcome, more)

    def with_unsaved(self, sub_key: str, stored: Totals | None) -> Totals:
        """Stored totals plus what this node counted since its last flush."""
        out = Totals(dict((stored or Totals()).counts))
        if stored is not None:
            out.last_error, out.last_error_at = stored.last_error, stored.last_error_at
            out.last_delivered_at = stored.last_delivered_at
        mine = self._pending.get(sub_key)
        if mine is not None:
            for counter, n in mine.counts.items():
                out.counts[counter] = out.counts.get(counter, 0) + n
            if mine.last_error_at >= out.last_error_at and mine.last_error:
                out.last_error, out.last_error_at = mine.last_error, mine.last_error_at
            out.last_delivered_at = max(out.last_delivered_at, mine.last_delivered_at)
        return out

    def take(self) -> dict[str, Totals]:
        pending, self._pending = self._pending, {}
        return pending

    def put_back(self, pending: dict[str, Totals]) -> None:
        for key, totals in pending.items():
            mine = self._pending.setdefault(key, Totals())
            for counter, n in totals.counts.items():
                mine.counts[counter] = mine.counts.get(counter, 0) + n
            if totals.last_error_at > mine.last_error_at:
                mine.last_error, mine.last_error_at = totals.last_error, totals.last_error_at
            mine.last_delivered_at = max(mine.last_delivered_at, totals.last_delivered_at)


async def add(tx: Tx, pending: dict[str, Totals]) -> None:
    """Add one node's counts to the stored totals."""
    for key in sorted(pending):
        totals = pending[key]
        stored = await STATS.get(tx, key, for_update=True) or Totals()
        for counter, n in totals.counts.items():
            stored.counts[counter] = stored.counts.get(counter, 0) + n
        if totals.last_error_at >= stored.last_error_at and totals.last_error:
            stored.last_error, stored.last_error_at = totals.last_error, totals.last_error_at
        stored.last_delivered_at = max(stored.last_delivered_at, totals.last_delivered_at)
        await STATS.put(tx, key, stored)


def shown(totals: Totals | None) -> dict[str, str]:
    """The ``Skybus*`` attributes of GetSubscriptionAttributes."""
    totals = totals or Totals()
    out = {f"Skybus{name}": str(totals.counts.get(name, 0)) for name in COUNTERS}
    if totals.last_error:
        out["SkybusLastError"] = totals.last_error
        out["SkybusLastErrorTime"] = timestamp(totals.last_error_at)
    if totals.last_delivered_at:
        out["SkybusLastDeliveredTime"] = timestamp(totals.last_delivered_at)
    return out
