"""Adding, confirming and removing subscriptions inside a transaction.

These keep a topic's counters (confirmed, pending, deleted) and its ``version`` right whenever a
subscription changes, and queue the messages the change causes (a SubscriptionConfirmation, an
UnsubscribeConfirmation, a lease check). The operations in :mod:`.subscriptions` and the lease
checks in :mod:`.leases` share them.
"""

from __future__ import annotations

import uuid

from skybus.engines.topics import arns, sub_attributes, tokens
from skybus.engines.topics.messages import timestamp
from skybus.engines.topics.outbox import CONFIRMATION, LEASE, QUEUE, UNSUBSCRIBE, Delivery
from skybus.engines.topics.records import (
    ENDPOINTS_SPACE,
    SUBSCRIPTIONS,
    TOPICS,
    UNSUBSCRIBED,
    Subscription,
    Topic,
    endpoint_key,
)
from skybus.engines.topics.stats import STATS
from skybus.store import Tx


async def touch_topic(
    tx: Tx, topic_key: str, *, confirmed: int = 0, pending: int = 0, deleted: int = 0
) -> Topic | None:
    """Adjust a topic's counters and bump its version (None if the topic is gone)."""
    topic = await TOPICS.get(tx, topic_key, for_update=True)
    if topic is None:
        return None
    topic.confirmed = max(0, topic.confirmed + confirmed)
    topic.pending = max(0, topic.pending + pending)
    topic.deleted += deleted
    topic.version += 1
    await TOPICS.put(tx, topic_key, topic)
    return topic


async def send_confirmation(
    tx: Tx,
    sub: Subscription,
    name: arns.SubscriptionName,
    now: float,
    base_url: str,
    *,
    renewal: bool = False,
) -> None:
    """Issue a token and queue a SubscriptionConfirmation carrying it (the caller stores
    ``sub``). Only a lease ``renewal`` goes to a subscription that is confirmed already."""
    token, grant = tokens.issue(name, now)
    sub.grants = tokens.keep(sub.grants, grant, now)
    extra: dict[str, object] = {
        "token": token.text,
        "id": str(uuid.uuid4()),
        "time": timestamp(now),
    }
    if renewal:
        extra["renewal"] = True
    job = Delivery(CONFIRMATION, name.key, base_url=base_url or sub.base_url, extra=extra)
    await tx.enqueue(QUEUE, job.encode())


async def start_lease(
    tx: Tx, sub: Subscription, name: arns.SubscriptionName, now: float, scale: float
) -> None:
    """(Re)start the lease of a confirmed subscription that has one (the caller stores it)."""
    seconds = sub_attributes.lease_seconds(sub.attributes)
    if seconds is None or not sub.confirmed:
        sub.lease_expires = None
        return
    sub.lease_expires = now + seconds * scale
    sub.renewal_sent = None
    job = Delivery(LEASE, name.key)
    await tx.enqueue(QUEUE, job.encode(), delay=seconds * scale / 2, job_id=f"lease:{name.key}")


async def confirm(
    tx: Tx,
    sub: Subscription,
    name: arns.SubscriptionName,
    now: float,
    scale: float,
    *,
    authenticated: bool,
    authenticate_on_unsubscribe: bool,
) -> None:
    """Confirm a subscription (again): counters, lease, and the stored record."""
    if not sub.confirmed:
        sub.confirmed = True
        sub.confirmation_authenticated = authenticated
        sub.authenticate_on_unsubscribe = authenticate_on_unsubscribe
        await touch_topic(tx, name.topic.key, confirmed=1, pending=-1)
    elif authenticate_on_unsubscribe:
        sub.authenticate_on_unsubscribe = True
    await start_lease(tx, sub, name, now, scale)
    await SUBSCRIPTIONS.put(tx, name.key, sub)


async def remove(
    tx: Tx,
    sub: Subscription,
    name: arns.SubscriptionName,
    now: float,
    *,
    notify_endpoint: bool,
    base_url: str,
    version: str,
) -> None:
    """Delete a subscription; with ``notify_endpoint`` (an HTTP/S endpoint unsubscribed by an
    unauthenticated call) keep it restorable and queue an UnsubscribeConfirmation."""
    await SUBSCRIPTIONS.delete(tx, name.key)
    await tx.delete(ENDPOINTS_SPACE, endpoint_key(name.topic.key, sub.protocol, sub.endpoint))
    await STATS.delete(tx, name.key)
    if sub.confirmed:
        await touch_topic(tx, name.topic.key, confirmed=-1, deleted=1)
    else:
        await touch_topic(tx, name.topic.key, pending=-1, deleted=1)
    if not notify_endpoint:
        return
    token, grant = tokens.issue(name, now)
    sub.grants = [grant]
    sub.confirmed = False
    sub.lease_expires = None
    await UNSUBSCRIBED.put(tx, name.key, sub)
    job = Delivery(
        UNSUBSCRIBE,
        name.key,
        base_url=base_url or sub.base_url,
        extra={
            "token": token.text,
            "id": str(uuid.uuid4()),
            "time": timestamp(now),
            "endpoint": sub.endpoint,
            "topic": sub.topic_arn,
            "arn": sub.arn,
            "version": version,
        },
    )
    await tx.enqueue(QUEUE, job.encode())


async def restore(
    tx: Tx,
    sub: Subscription,
    name: arns.SubscriptionName,
    now: float,
    scale: float,
    *,
    authenticated: bool,
) -> bool:
    """Bring back a subscription removed by an unauthenticated Unsubscribe (its endpoint
    visited the UnsubscribeConfirmation's SubscribeURL). False if its topic or endpoint is
    taken meanwhile."""
    if await TOPICS.get(tx, name.topic.key) is None:
        return False
    index = endpoint_key(name.topic.key, sub.protocol, sub.endpoint)
    if not await tx.insert(ENDPOINTS_SPACE, index, sub.id.encode()):
        return False
    await UNSUBSCRIBED.delete(tx, name.key)
    sub.grants = []
    await touch_topic(tx, name.topic.key, pending=1)
    await confirm(
        tx,
        sub,
        name,
        now,
        scale,
        authenticated=authenticated,
        authenticate_on_unsubscribe=sub.authenticate_on_unsubscribe,
    )
    return True
