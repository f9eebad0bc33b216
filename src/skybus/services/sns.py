"""Amazon SNS over the query protocol: each operation hands the parsed request to the topics
engine. Besides the API, this service serves the certificate that verifies message signatures,
at the SigningCertURL of every message (``/_sns/SimpleNotificationService-<id>.pem``).

SubscribeURL and UnsubscribeURL are unsigned GETs of ``/?Action=...`` that reach the operations
below like any call; the engine trusts the token (ConfirmSubscription) and treats an unsigned
Unsubscribe as the endpoint's own request (it gets an UnsubscribeConfirmation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skybus.engines.topics import Caller, TopicsEngine
from skybus.engines.topics.signing import CERTIFICATE_PREFIX, certificate_path
from skybus.services.base import Call, Params, Result, Route, Service, operation
from skybus.wire.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from skybus.node import Node


def caller(call: Call) -> Caller:
    return Caller(call.account, call.region, call.endpoint, call.access_key is not None)


class SnsService(Service):
    name = "sns"

    def __init__(self, node: Node) -> None:
        super().__init__(node)
        self.engine = engine = node.engine(TopicsEngine)
        self.topics = engine.topics
        self.subscriptions = engine.subscriptions
        self.publisher = engine.publisher

    def routes(self) -> list[Route]:
        return [Route("GET", CERTIFICATE_PREFIX, self._certificate)]

    async def _certificate(self, request: HttpRequest) -> HttpResponse:
        signer = self.engine.signer
        if signer.cert_id and request.path == certificate_path(signer.cert_id):
            return HttpResponse(200, [("Content-Type", "application/x-pem-file")], signer.cert_pem)
        return HttpResponse(404, [("Content-Type", "text/plain")], b"Not Found")

    # Topics.

    @operation("CreateTopic")
    async def create_topic(self, call: Call, params: Params) -> Result:
        return await self.topics.create_topic(caller(call), params)

    @operation("DeleteTopic")
    async def delete_topic(self, call: Call, params: Params) -> Result:
        return await self.topics.delete_topic(caller(call), params)

    @operation("ListTopics")
    async def list_topics(self, call: Call, params: Params) -> Result:
        return await self.topics.list_topics(caller(call), params)

    @operation("GetTopicAttributes")
    async def get_topic_attributes(self, call: Call, params: Params) -> Result:
        return await self.topics.get_topic_attributes(caller(call), params)

    @operation("SetTopicAttributes")
    async def set_topic_attributes(self, call: Call, params: Params) -> Result:
        return await self.topics.set_topic_attributes(caller(call), params)

    @operation("TagResource")
    async def tag_resource(self, call: Call, params: Params) -> Result:
        return await self.topics.tag_resource(caller(call), params)

    @operation("UntagResource")
    async def untag_resource(self, call: Call, params: Params) -> Result:
        return await self.topics.untag_resource(caller(call), params)

    @operation("ListTagsForResource")
    async def list_tags_for_resource(self, call: Call, params: Params) -> Result:
        return await self.topics.list_tags_for_resource(caller(call), params)

    # Subscriptions.

    @operation("Subscribe")
    async def subscribe(self, call: Call, params: Params) -> Result:
        return await self.subscriptions.subscribe(caller(call), params)

    @operation("ConfirmSubscription")
    async def confirm_subscription(self, call: Call, params: Params) -> Result:
        return await self.subscriptions.confirm_subscription(caller(call), params)

    @operation("Unsubscribe")
    async def unsubscribe(self, call: Call, params: Params) -> Result:
        return await self.subscriptions.unsubscribe(caller(call), params)

    @operation("ListSubscriptions")
    async def list_subscriptions(self, call: Call, params: Params) -> Result:
        return await self.subscriptions.list_subscriptions(caller(call), params)

    @operation("ListSubscriptionsByTopic")
    async def list_subscriptions_by_topic(self, call: Call, params: Params) -> Result:
        return await self.subscriptions.list_subscriptions_by_topic(caller(call), params)

    @operation("GetSubscriptionAttributes")
    async def get_subscription_attributes(self, call: Call, params: Params) -> Result:
        return await self.subscriptions.get_subscription_attributes(caller(call), params)

    @operation("SetSubscriptionAttributes")
    async def set_subscription_attributes(self, call: Call, params: Params) -> Result:
        return await self.subscriptions.set_subscription_attributes(caller(call), params)

    # Messages.

    @operation("Publish")
    async def publish(self, call: Call, params: Params) -> Result:
        return await self.publisher.publish(caller(call), params)

    @operation("PublishBatch")
    async def publish_batch(self, call: Call, params: Params) -> Result:
        return await self.publisher.publish_batch(caller(call), params)
