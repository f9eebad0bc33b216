"""Subscription operations: Subscribe, ConfirmSubscription, Unsubscribe, the two lists and
the attributes.

HTTP/S subscriptions start pending: Subscribe answers the literal ``pending confirmation``,
lists show ``PendingConfirmation``, nothing is delivered, and a SubscriptionConfirmation with a
token goes to the endpoint. The token is authoritative in ConfirmSubscription (only its region
is checked against the call's), which is what lets an endpoint confirm by an unsigned GET of its
SubscribeURL. Queue and function subscriptions in the caller's own account are confirmed at
once.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from skybus import limits
from skybus.engines.topics import arns, errors, membership, sub_attributes, tokens
from skybus.engines.topics.caller import Caller, page_after, page_token
from skybus.engines.topics.delivery_policy import subscription_effective_json
from skybus.engines.topics.messages import timestamp
from skybus.engines.topics.records import (
    ENDPOINTS_SPACE,
    SUBSCRIPTIONS,
    UNSUBSCRIBED,
    Subscription,
    endpoint_key,
)
from skybus.engines.topics.stats import STATS, shown
from skybus.engines.topics.topics import own_topic, require_topic
from skybus.engines.topics.views import build
from skybus.store import Tx

if TYPE_CHECKING:
    from skybus.engines.topics.engine import TopicsEngine

Params = dict[str, Any]
Result = dict[str, Any]
PENDING_ARN = "PendingConfirmation"
SUPPORTED = ("http", "https", "sqs", "lambda")
_UNSUPPORTED = {
    "email": "email (Skybus has no mail transport)",
    "email-json": "email-json (Skybus has no mail transport)",
    "sms": "sms (Skybus has no SMS transport)",
    "application": "application (Skybus has no mobile push platforms)",
    "firehose": "firehose (Skybus has no Kinesis Data Firehose)",
}


def _check_endpoint(protocol: str, endpoint: str, fifo_topic: bool) -> None:
    if protocol in ("http", "https"):
        if not endpoint.lower().startswith(f"{protocol}://") or len(endpoint) <= len(protocol) + 3:
            raise errors.invalid("Endpoint", "Endpoint must match the specified protocol")
        return
    parts = endpoint.split(":")
    service = "sqs" if protocol == "sqs" else "lambda"
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != service:
        kind = "SQS endpoint ARN" if protocol == "sqs" else "Lambda endpoint ARN"
        raise errors.invalid_parameter(f"Invalid parameter: {kind}")
    if protocol == "sqs" and endpoint.endswith(".fifo") and not fifo_topic:
        raise errors.invalid_parameter(
            "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be "
            "subscribed to standard SNS topics"
        )


def _listed(sub: Subscription) -> Result:
    return {
        "SubscriptionArn": sub.arn if sub.confirmed else PENDING_ARN,
        "Owner": sub.owner,
        "Protocol": sub.protocol,
        "Endpoint": sub.endpoint,
        "TopicArn": sub.topic_arn,
    }


class SubscriptionAdmin:
    def __init__(self, engine: TopicsEngine) -> None:
        self.engine = engine

    @property
    def scale(self) -> float:
        return self.engine.scale

    def _changed(self, topic_key: str, sub_key: str | None = None) -> None:
        self.engine.subscriptions_changed(topic_key, sub_key)

    async def subscribe(self, caller: Caller, params: Params) -> Result:
        name = own_topic(caller, params["TopicArn"])
        protocol = (params.get("Protocol") or "").lower()
        endpoint: str = params.get("Endpoint") or ""
        if protocol not in SUPPORTED:
            if protocol in _UNSUPPORTED:
                raise errors.invalid(
                    "Protocol", f"Skybus does not deliver to {_UNSUPPORTED[protocol]}"
                )
            raise errors.unsupported_protocol(params.get("Protocol") or "")
        if name.fifo and protocol != "sqs":
            raise errors.invalid_parameter(f"Invalid parameter: Invalid protocol type: {protocol}")
        _check_endpoint(protocol, endpoint, name.fifo)
        try:
            attributes = sub_attributes.check_all(
                params.get("Attributes") or {},
                protocol=protocol,
                fifo_topic=name.fifo,
                region=caller.region,
                account=caller.account,
            )
        except sub_attributes.BadAttribute as exc:
            raise sub_attributes.subscribe_error(exc) from None
        now = self.engine.node.clock()
        pending = protocol in ("http", "https")

        async def subscribe(tx: Tx) -> tuple[Subscription, str]:
            topic = await require_topic(tx, name, for_update=True)
            index = endpoint_key(name.key, protocol, endpoint)
            found = await tx.get(ENDPOINTS_SPACE, index)
            if found is not None:
                sub_name = name.subscription(found.decode())
                sub = await SUBSCRIPTIONS.get(tx, sub_name.key, for_update=True)
                assert sub is not None
                if params.get("Attributes") is not None and attributes != sub.attributes:
                    raise errors.invalid(
                        "Attributes", "Subscription already exists with different attributes"
                    )
                if not sub.confirmed:
                    await membership.send_confirmation(tx, sub, sub_name, now, caller.endpoint)
                else:
                    await membership.start_lease(tx, sub, sub_name, now, self.scale)
                await SUBSCRIPTIONS.put(tx, sub_name.key, sub)
                return sub, "existing"
            if name.fifo and topic.confirmed + topic.pending >= limits.SNS_FIFO_MAX_SUBSCRIPTIONS:
                raise errors.invalid_parameter(
                    "Invalid parameter: a FIFO topic takes at most "
                    f"{limits.SNS_FIFO_MAX_SUBSCRIPTIONS} subscriptions"
                )
            sub_name = name.subscription(str(uuid.uuid4()))
            sub = Subscription(
                id=sub_name.id,
                arn=sub_name.arn,
                topic_arn=name.arn,
                protocol=protocol,
                endpoint=endpoint,
                owner=caller.account,
                created=now,
                confirmed=not pending,
                attributes=attributes,
                base_url=caller.endpoint,
                confirmation_authenticated=not pending,
            )
            await tx.put(ENDPOINTS_SPACE, index, sub.id.encode())
            if pending:
                await membership.send_confirmation(tx, sub, sub_name, now, caller.endpoint)
                await membership.touch_topic(tx, name.key, pending=1)
            else:
                await membership.touch_topic(tx, name.key, confirmed=1)
            await SUBSCRIPTIONS.put(tx, sub_name.key, sub)
            return sub, "new"

        sub, _ = await self.engine.node.store.write(subscribe)
        self._changed(name.key, f"{name.key}/{sub.id}")
        self.engine.wake()
        if not sub.confirmed and not params.get("ReturnSubscriptionArn"):
            return {"SubscriptionArn": "pending confirmation"}
        return {"SubscriptionArn": sub.arn}

    async def confirm_subscription(self, caller: Caller, params: Params) -> Result:
        given = arns.parse_topic_arn(params["TopicArn"])
        if given.region != caller.region:
            raise errors.invalid("Topic")
        token = tokens.parse(params["Token"])
        if token is None:
            raise errors.invalid_parameter("Invalid token")
        name = token.subscription
        if name.topic.region != caller.region:
            raise errors.invalid("Topic")
        if caller.authenticated and name.topic.account != caller.account:
            raise errors.invalid("Token")
        protect = (params.get("AuthenticateOnUnsubscribe") or "").lower() == "true"
        now = self.engine.node.clock()

        async def confirm(tx: Tx) -> str:
            sub = await SUBSCRIPTIONS.get(tx, name.key, for_update=True)
            if sub is not None and tokens.accepts(sub.grants, token.nonce, now):
                await membership.confirm(
                    tx,
                    sub,
                    name,
                    now,
                    self.scale,
                    authenticated=caller.authenticated,
                    authenticate_on_unsubscribe=protect,
                )
                return sub.arn
            gone = await UNSUBSCRIBED.get(tx, name.key, for_update=True)
            if gone is not None and tokens.accepts(gone.grants, token.nonce, now):
                restored = await membership.restore(
                    tx, gone, name, now, self.scale, authenticated=caller.authenticated
                )
                if restored:
                    return gone.arn
            raise errors.invalid("Token")

        arn = await self.engine.node.store.write(confirm)
        self._changed(name.topic.key, name.key)
        return {"SubscriptionArn": arn}

    async def unsubscribe(self, caller: Caller, params: Params) -> Result:
        name = arns.parse_subscription_arn(params["SubscriptionArn"])
        if name.topic.region != caller.region:
            raise errors.invalid("SubscriptionArn")
        if caller.authenticated and name.topic.account != caller.account:
            raise errors.subscription_not_found()
        now = self.engine.node.clock()

        async def unsubscribe(tx: Tx) -> bool:
            sub = await SUBSCRIPTIONS.get(tx, name.key, for_update=True)
            if sub is None:
                return False
            if not caller.authenticated and sub.authenticate_on_unsubscribe:
                raise errors.authorization(
                    "This subscription can only be unsubscribed by an authenticated request "
                    "(it was confirmed with AuthenticateOnUnsubscribe)"
                )
            topic = await require_topic(tx, name.topic)
            await membership.remove(
                tx,
                sub,
                name,
                now,
                notify_endpoint=not caller.authenticated and sub.protocol in ("http", "https"),
                base_url=caller.endpoint,
                version=topic.attributes.get("SignatureVersion") or "1",
            )
            await self.engine.fifo.forget_subscription(tx, name.key)
            return True

        if await self.engine.node.store.write(unsubscribe):
            self._changed(name.topic.key, name.key)
            self.engine.wake()
        return {}

    async def list_subscriptions(self, caller: Caller, params: Params) -> Result:
        return await self._list(arns.account_prefix(caller.region, caller.account), params)

    async def list_subscriptions_by_topic(self, caller: Caller, params: Params) -> Result:
        name = own_topic(caller, params["TopicArn"])
        await self.engine.node.store.read(lambda tx: require_topic(tx, name))
        return await self._list(name.key + "/", params)

    async def _list(self, prefix: str, params: Params) -> Result:
        after = page_after(params.get("NextToken"), prefix)
        size = limits.SNS_LIST_PAGE_SIZE

        async def page(tx: Tx) -> list[tuple[bytes, Subscription]]:
            return await SUBSCRIPTIONS.items(tx, prefix=prefix, after=after, limit=size + 1)

        rows = await self.engine.node.store.read(page)
        result: Result = {"Subscriptions": [_listed(sub) for _, sub in rows[:size]]}
        if len(rows) > size:
            result["NextToken"] = page_token(rows[size - 1][0])
        return result

    def _own(self, caller: Caller, arn: str) -> arns.SubscriptionName:
        name = arns.parse_subscription_arn(arn)
        if name.topic.region != caller.region:
            raise errors.invalid("SubscriptionArn")
        if name.topic.account != caller.account:
            raise errors.subscription_not_found()
        return name

    async def get_subscription_attributes(self, caller: Caller, params: Params) -> Result:
        name = self._own(caller, params["SubscriptionArn"])

        async def read(tx: Tx) -> Result:
            sub = await SUBSCRIPTIONS.get(tx, name.key)
            if sub is None:
                raise errors.subscription_not_found()
            topic = await require_topic(tx, name.topic)
            totals = self.engine.stats.with_unsaved(name.key, await STATS.get(tx, name.key))
            return _attributes(sub, build(sub, topic), shown(totals))

        return {"Attributes": await self.engine.node.store.read(read)}

    async def set_subscription_attributes(self, caller: Caller, params: Params) -> Result:
        name = self._own(caller, params["SubscriptionArn"])
        attribute: str = params["AttributeName"]
        value: str = params.get("AttributeValue") or ""
        now = self.engine.node.clock()

        async def update(tx: Tx) -> None:
            sub = await SUBSCRIPTIONS.get(tx, name.key, for_update=True)
            if sub is None:
                raise errors.subscription_not_found()
            topic = await require_topic(tx, name.topic)
            try:
                stored = sub_attributes.check(
                    attribute,
                    value,
                    protocol=sub.protocol,
                    current=sub.attributes,
                    fifo_topic=topic.fifo,
                    region=name.topic.region,
                    account=name.topic.account,
                )
            except sub_attributes.BadAttribute as exc:
                raise sub_attributes.set_error(exc) from None
            if stored:
                sub.attributes[attribute] = stored
            else:
                sub.attributes.pop(attribute, None)
            if attribute == sub_attributes.LEASE:
                await membership.start_lease(tx, sub, name, now, self.scale)
            await SUBSCRIPTIONS.put(tx, name.key, sub)
            await membership.touch_topic(tx, name.topic.key)

        await self.engine.node.store.write(update)
        self._changed(name.topic.key, name.key)
        return {}


def _attributes(sub: Subscription, view: Any, counters: dict[str, str]) -> dict[str, str]:
    out = {
        "SubscriptionArn": sub.arn,
        "TopicArn": sub.topic_arn,
        "Owner": sub.owner,
        "Protocol": sub.protocol,
        "Endpoint": sub.endpoint,
        "PendingConfirmation": "false" if sub.confirmed else "true",
        "ConfirmationWasAuthenticated": "true" if sub.confirmation_authenticated else "false",
        "RawMessageDelivery": sub.attributes.get("RawMessageDelivery", "false"),
        "SubscriptionPrincipal": f"arn:aws:iam::{sub.owner}:root",
    }
    for name, value in sub.attributes.items():
        out[name] = value
    if "FilterPolicy" in sub.attributes:
        out.setdefault("FilterPolicyScope", "MessageAttributes")
    if sub.protocol in ("http", "https"):
        out["EffectiveDeliveryPolicy"] = subscription_effective_json(view.policy)
    if sub.lease_expires is not None:
        out["SkybusLeaseExpires"] = timestamp(sub.lease_expires)
    out.update(counters)
    return out
