"""Subscription leases (``SkybusLeaseSeconds``): renewing them, and ending the expired ones.

Each leased subscription has one lease-check job (kind ``L``, job id ``lease:<key>``). When it
comes due: if the lease has run out, the subscription is removed (its endpoint stopped
confirming: a node that went away); if half the lease has passed and no renewal went out for
this lease period, a fresh SubscriptionConfirmation is queued; then the check is rescheduled for
the next moment something may be due. Confirming again (by the token of any live confirmation)
moves ``lease_expires`` forward and clears ``renewal_sent``, which the next check sees.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from skybus.engines.topics import arns, membership, sub_attributes
from skybus.engines.topics.records import SUBSCRIPTIONS, TOPICS
from skybus.store import Tx

log = logging.getLogger("skybus.topics")


@dataclass(frozen=True, slots=True)
class Check:
    """What a lease check decided: reschedule after ``delay`` seconds, or finish (None)."""

    delay: float | None
    expired: str | None = None
    renewed: bool = False


async def check(tx: Tx, sub_key: str, now: float, scale: float) -> Check:
    name = arns.subscription_from_key(sub_key)
    sub = await SUBSCRIPTIONS.get(tx, sub_key, for_update=True)
    seconds = None if sub is None else sub_attributes.lease_seconds(sub.attributes)
    if sub is None or seconds is None or sub.lease_expires is None or not sub.confirmed:
        return Check(None)
    period = seconds * scale
    if now >= sub.lease_expires:
        topic = await TOPICS.get(tx, name.topic.key)
        version = "1" if topic is None else topic.attributes.get("SignatureVersion") or "1"
        await membership.remove(
            tx, sub, name, now, notify_endpoint=False, base_url=sub.base_url, version=version
        )
        return Check(None, expired=sub.arn)
    renew_at = sub.lease_expires - period / 2
    if now >= renew_at and sub.renewal_sent is None:
        await membership.send_confirmation(tx, sub, name, now, sub.base_url, renewal=True)
        sub.renewal_sent = now
        await SUBSCRIPTIONS.put(tx, sub_key, sub)
        return Check(max(sub.lease_expires - now, 0.0), renewed=True)
    if now >= renew_at:
        return Check(max(sub.lease_expires - now, 0.0))
    return Check(max(renew_at - now, 0.0))


def report(outcome: Check) -> None:
    if outcome.expired:
        log.info(
            "unsubscribed %s: its lease ran out without a confirmation (SkybusLeaseSeconds)",
            outcome.expired,
        )
