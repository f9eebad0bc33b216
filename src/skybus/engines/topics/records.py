"""What the topics engine keeps in the store, and where.

* ``sns.topics``: one :class:`Topic` per topic, keyed ``region/account/name``. Its ``version``
  changes whenever one of its subscriptions does, so a node may keep the subscription list of a
  topic in memory and know, from the one topic read every Publish does anyway, when it is stale.
* ``sns.subs``: one :class:`Subscription` per subscription, keyed ``<topic key>/<uuid>``.
* ``sns.endpoints``: ``<topic key>/<protocol>/<endpoint>`` -> subscription id, so Subscribe is
  idempotent per endpoint without scanning the topic.
* ``sns.unsubscribed``: subscriptions removed by an unauthenticated Unsubscribe, kept while the
  token of their UnsubscribeConfirmation is valid, so visiting its SubscribeURL restores them.
* ``sns.stats``: delivery counters per subscription (see :mod:`.stats`).
* ``sns.signing``: the deployment's signing key and certificate (see :mod:`.signing`).
* FIFO topics' deduplication and ordering state: see :mod:`.fifo`.
* Deliveries are jobs of the store's work queue ``sns.deliveries`` (see :mod:`.outbox`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skybus.store import Records


@dataclass(slots=True)
class Topic:
    arn: str
    name: str
    account: str
    region: str
    fifo: bool
    created: float
    attributes: dict[str, str]
    """Settable attributes as the caller set them (defaults are added when read)."""
    tags: dict[str, str] = field(default_factory=dict)
    version: int = 0
    confirmed: int = 0
    pending: int = 0
    deleted: int = 0
    sequence: int = 0
    """FIFO: the last SequenceNumber handed out."""


@dataclass(slots=True)
class Grant:
    """A confirmation token's secret part and when it stops being valid."""

    nonce: str
    expires: float


@dataclass(slots=True)
class Subscription:
    id: str
    arn: str
    topic_arn: str
    protocol: str
    endpoint: str
    owner: str
    created: float
    confirmed: bool
    attributes: dict[str, str]
    """Settable attributes as set (DeliveryPolicy, FilterPolicy, RawMessageDelivery, ...)."""
    base_url: str
    """Where this Skybus was reached when the subscription was made: SubscribeURL and
    UnsubscribeURL of messages sent without a caller (lease renewals) are built on it."""
    grants: list[Grant] = field(default_factory=list)
    confirmation_authenticated: bool = False
    authenticate_on_unsubscribe: bool = False
    lease_expires: float | None = None
    """With ``SkybusLeaseSeconds``: when the subscription ends unless confirmed again."""
    renewal_sent: float | None = None
    """When the last lease-renewal SubscriptionConfirmation was sent."""


TOPICS = Records("sns.topics", Topic)
SUBSCRIPTIONS = Records("sns.subs", Subscription)
UNSUBSCRIBED = Records("sns.unsubscribed", Subscription)
ENDPOINTS_SPACE = "sns.endpoints"


def endpoint_key(topic_key: str, protocol: str, endpoint: str) -> bytes:
    return f"{topic_key}/{protocol}/{endpoint}".encode()
