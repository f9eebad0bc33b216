"""One delivery attempt: render what the subscriber gets, send it, and say what happened.

HTTP/S outcomes follow AWS: a 2xx answer is a delivery; another answer below 500 is a
client-side error, not retried (the message goes to the dead-letter queue if there is one); a
5xx answer, no answer within the timeout, a refused, reset or closed connection are server-side
errors, retried by the delivery policy. For queues and functions, a target that does not exist
is a client-side error and anything else is retried by AWS's fixed policy for AWS-managed
endpoints. A target whose engine this node lacks keeps the delivery pending.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from skybus.engines.topics import envelopes
from skybus.engines.topics.http_client import DeliveryFailed, HttpClient, target
from skybus.engines.topics.messages import Message, sqs_attributes, timestamp
from skybus.engines.topics.outbox import CONFIRMATION, UNSUBSCRIBE, Delivery
from skybus.engines.topics.signing import Signer
from skybus.engines.topics.targets import EngineMissing, Refused, Targets
from skybus.engines.topics.views import View

if TYPE_CHECKING:
    from collections.abc import Callable

OK = "ok"
RETRY = "retry"
FAIL = "fail"
PENDING = "pending"
DROP = "drop"


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    reason: str = ""


DELIVERED = Outcome(OK)


class Deliverer:
    def __init__(
        self,
        signer: Signer,
        http: HttpClient,
        targets: Targets,
        *,
        timeout: float,
        default_base: Callable[[], str],
    ) -> None:
        self.signer = signer
        self.http = http
        self.targets = targets
        self.timeout = timeout
        self._default_base = default_base

    def base(self, delivery: Delivery) -> str:
        return delivery.base_url or self._default_base()

    async def attempt(self, delivery: Delivery, view: View | None) -> Outcome:
        try:
            if delivery.kind == UNSUBSCRIBE:
                return await self._unsubscribe_confirmation(delivery)
            if view is None:
                return Outcome(DROP, "the subscription no longer exists")
            if delivery.kind == CONFIRMATION:
                return await self._confirmation(delivery, view)
            if delivery.dead_letter:
                return await self._dead_letter(delivery, view)
            if not view.subscription.confirmed:
                return Outcome(DROP, "the subscription is not confirmed")
            return await self._notification(delivery, view)
        except EngineMissing as exc:
            return Outcome(PENDING, str(exc))
        except Refused as exc:
            return Outcome(RETRY if exc.retryable else FAIL, exc.reason)

    # notifications

    async def render(self, delivery: Delivery, view: View) -> tuple[bytes, dict[str, Any]]:
        """The envelope (or raw body) this subscription gets, and its SQS attributes if raw."""
        message = delivery.message
        assert message is not None
        sub = view.subscription
        if view.raw:
            return message.text_for(sub.protocol).encode("utf-8"), message.attributes
        fields = envelopes.notification_fields(message, sub.protocol)
        unsubscribe = envelopes.unsubscribe_url(self.base(delivery), sub.arn)
        if view.topic.fifo:
            body = envelopes.notification(
                fields, message, signature=None, version="", cert_url="", unsubscribe=unsubscribe
            )
            return body, {}
        version = view.signature_version
        signature = await self._signature(message, sub.protocol, fields, version)
        body = envelopes.notification(
            fields,
            message,
            signature=signature,
            version=version,
            cert_url=self.signer.certificate_url(self.base(delivery)),
            unsubscribe=unsubscribe,
        )
        return body, {}

    async def _signature(
        self, message: Message, protocol: str, fields: dict[str, Any], version: str
    ) -> str:
        variant = protocol if message.variants is not None else ""
        key = (message.id, variant, version)
        return await self.signer.sign(key, envelopes.canonical(fields), version)

    def presign(self, message: Message, protocols: set[str], version: str) -> None:
        """Start signing a message just published, so its deliveries find the signature (only
        while signing keeps up; a backlog is signed as it is delivered)."""
        if self.signer.busy:
            return
        for protocol in protocols:
            fields = envelopes.notification_fields(message, protocol)
            variant = protocol if message.variants is not None else ""
            self.signer.sign((message.id, variant, version), envelopes.canonical(fields), version)

    async def _notification(self, delivery: Delivery, view: View) -> Outcome:
        sub = view.subscription
        message = delivery.message
        assert message is not None
        if sub.protocol in ("http", "https"):
            body, _ = await self.render(delivery, view)
            headers = envelopes.http_headers(
                envelopes.NOTIFICATION,
                message_id=message.id,
                topic_arn=message.topic_arn,
                subscription_arn=sub.arn,
                content_type=view.policy.content_type,
                raw=view.raw,
            )
            return await self._post(sub.endpoint, headers, body)
        if sub.protocol == "sqs":
            body, attributes = await self.render(delivery, view)
            if len(attributes) > 10:
                return Outcome(FAIL, "raw delivery to SQS carries at most 10 message attributes")
            await self.targets.send_to_queue(
                sub.endpoint,
                body.decode("utf-8"),
                attributes=sqs_attributes(attributes) if attributes else None,
                group=message.group,
                dedup=message.dedup,
            )
            return DELIVERED
        if sub.protocol == "lambda":
            fields = envelopes.notification_fields(message, "lambda")
            signature = await self._signature(message, "lambda", fields, view.signature_version)
            event = envelopes.lambda_event(
                fields,
                message,
                subscription_arn=sub.arn,
                signature=signature,
                cert_url=self.signer.certificate_url(self.base(delivery)),
                unsubscribe=envelopes.unsubscribe_url(self.base(delivery), sub.arn),
            )
            await self.targets.invoke_function(sub.endpoint, event)
            return DELIVERED
        return Outcome(FAIL, f"Skybus does not deliver to the {sub.protocol} protocol")

    async def _dead_letter(self, delivery: Delivery, view: View) -> Outcome:
        queue = view.dead_letter
        if queue is None:
            return Outcome(DROP, "the subscription has no dead-letter queue any more")
        message = delivery.message
        assert message is not None
        body, attributes = await self.render(delivery, view)
        await self.targets.send_to_queue(
            queue,
            body.decode("utf-8"),
            attributes=sqs_attributes(attributes) if 0 < len(attributes) <= 10 else None,
            group=message.group,
            dedup=message.dedup,
        )
        return DELIVERED

    # confirmations

    async def _confirmation(self, delivery: Delivery, view: View) -> Outcome:
        sub = view.subscription
        if sub.protocol not in ("http", "https"):
            return Outcome(DROP, "only HTTP/S endpoints are sent confirmations")
        if sub.confirmed and not delivery.extra.get("renewal"):
            return Outcome(DROP, "the subscription was confirmed meanwhile")
        return await self._send_confirmation(
            envelopes.SUBSCRIPTION_CONFIRMATION,
            delivery,
            endpoint=sub.endpoint,
            topic_arn=sub.topic_arn,
            subscription_arn=sub.arn,
            version=view.signature_version,
        )

    async def _unsubscribe_confirmation(self, delivery: Delivery) -> Outcome:
        extra = delivery.extra
        return await self._send_confirmation(
            envelopes.UNSUBSCRIBE_CONFIRMATION,
            delivery,
            endpoint=extra["endpoint"],
            topic_arn=extra["topic"],
            subscription_arn=extra["arn"],
            version=extra.get("version", "1"),
        )

    async def _send_confirmation(
        self,
        kind: str,
        delivery: Delivery,
        *,
        endpoint: str,
        topic_arn: str,
        subscription_arn: str,
        version: str,
    ) -> Outcome:
        extra = delivery.extra
        base = self.base(delivery)
        fields = envelopes.confirmation_fields(
            kind,
            message_id=extra.get("id") or str(uuid.uuid4()),
            token=extra["token"],
            topic_arn=topic_arn,
            subscription_arn=subscription_arn,
            subscribe=envelopes.subscribe_url(base, topic_arn, extra["token"]),
            timestamp=extra.get("time") or timestamp(0),
        )
        signature = await self.signer.sign(
            (fields["MessageId"], kind, version), envelopes.canonical(fields), version
        )
        body = envelopes.confirmation(
            fields, signature=signature, version=version, cert_url=self.signer.certificate_url(base)
        )
        headers = envelopes.http_headers(
            kind,
            message_id=fields["MessageId"],
            topic_arn=topic_arn,
            subscription_arn=None
            if kind == envelopes.SUBSCRIPTION_CONFIRMATION
            else subscription_arn,
        )
        return await self._post(endpoint, headers, body)

    async def _post(self, endpoint: str, headers: list[tuple[str, str]], body: bytes) -> Outcome:
        try:
            where = target(endpoint)
        except ValueError as exc:
            return Outcome(FAIL, str(exc))
        try:
            status = await self.http.post(where, headers, body, self.timeout)
        except DeliveryFailed as exc:
            return Outcome(RETRY, f"{exc.kind}: {exc.detail}")
        if 200 <= status < 300:
            return DELIVERED
        if 300 <= status < 500:
            return Outcome(FAIL, f"HTTP {status}")
        return Outcome(RETRY, f"HTTP {status}")
