"""What a delivery needs to know about its subscription, cached for a moment.

Workers read the subscription (and its topic, for the delivery policy and signature version)
at delivery time, so that changes apply to messages already in the outbox, as on AWS. At
thousands of deliveries a second those reads are cached per subscription for
``SNS_SETTINGS_CACHE_SECONDS``; a change made on this node clears the entry at once, and one made
on another node reaches this one through the bus (channel ``sns.settings``) or, if that signal
is lost, when the entry ages out. AWS itself documents that subscription changes take a while
to apply.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from skybus import limits
from skybus.engines.topics import arns, delivery_policy, sub_attributes
from skybus.engines.topics.records import SUBSCRIPTIONS, TOPICS, Subscription, Topic
from skybus.store import Store, Tx

CHANNEL = "sns.settings"


@dataclass(frozen=True, slots=True)
class View:
    subscription: Subscription
    topic: Topic
    policy: delivery_policy.EffectivePolicy
    raw: bool
    dead_letter: str | None
    signature_version: str


class Views:
    def __init__(self, store: Callable[[], Store]) -> None:
        self._store = store
        self._cache: dict[str, tuple[float, View | None]] = {}

    async def get(self, sub_key: str) -> View | None:
        """The subscription's settings, or None when it no longer exists."""
        now = time.monotonic()
        found = self._cache.get(sub_key)
        if found is not None and found[0] > now:
            return found[1]
        name = arns.subscription_from_key(sub_key)

        async def read(tx: Tx) -> tuple[Subscription | None, Topic | None]:
            sub = await SUBSCRIPTIONS.get(tx, sub_key)
            topic = await TOPICS.get(tx, name.topic.key) if sub is not None else None
            return sub, topic

        sub, topic = await self._store().read(read)
        view = None if sub is None or topic is None else build(sub, topic)
        if len(self._cache) > limits.SNS_SETTINGS_CACHE_ENTRIES:
            self._cache.clear()
        self._cache[sub_key] = (now + limits.SNS_SETTINGS_CACHE_SECONDS, view)
        return view

    def forget(self, sub_key: str | None = None) -> None:
        if sub_key is None:
            self._cache.clear()
        else:
            self._cache.pop(sub_key, None)


def build(sub: Subscription, topic: Topic) -> View:
    policy = delivery_policy.effective(
        topic.attributes.get("DeliveryPolicy", ""), sub.attributes.get("DeliveryPolicy", "")
    )
    return View(
        subscription=sub,
        topic=topic,
        policy=policy,
        raw=sub.attributes.get("RawMessageDelivery") == "true",
        dead_letter=sub_attributes.dead_letter_target(sub.attributes),
        signature_version=topic.attributes.get("SignatureVersion") or "1",
    )
