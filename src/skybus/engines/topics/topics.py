"""Topic operations: create (idempotent by name), delete, list, attributes and tags.

Each operation is one store transaction. Deleting a topic deletes its subscriptions with it;
deliveries already in the outbox find their subscription gone and are dropped, as on AWS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from skybus import limits
from skybus.engines.topics import arns, errors, topic_attributes
from skybus.engines.topics.caller import Caller, page_after, page_token
from skybus.engines.topics.records import (
    ENDPOINTS_SPACE,
    SUBSCRIPTIONS,
    TOPICS,
    Topic,
    endpoint_key,
)
from skybus.engines.topics.stats import STATS
from skybus.store import Tx
from skybus.wire.errors import ServiceError

if TYPE_CHECKING:
    from skybus.engines.topics.engine import TopicsEngine

Params = dict[str, Any]
Result = dict[str, Any]


async def require_topic(tx: Tx, name: arns.TopicName, *, for_update: bool = False) -> Topic:
    topic = await TOPICS.get(tx, name.key, for_update=for_update)
    if topic is None:
        raise errors.topic_not_found()
    return topic


def own_topic(caller: Caller, arn: str, parameter: str = "TopicArn") -> arns.TopicName:
    """The topic an ARN names, which must be in the caller's region; another account's topic
    does not exist for the caller (Skybus has no cross-account topic policies)."""
    name = arns.parse_topic_arn(arn, parameter)
    if name.region != caller.region:
        raise errors.invalid(parameter)
    if name.account != caller.account:
        raise errors.topic_not_found()
    return name


class TopicAdmin:
    def __init__(self, engine: TopicsEngine) -> None:
        self.engine = engine

    async def _write(self, fn: Callable[[Tx], Any]) -> Any:
        return await self.engine.node.store.write(fn)

    async def create_topic(self, caller: Caller, params: Params) -> Result:
        name: str = params["Name"]
        given: dict[str, str] = params.get("Attributes") or {}
        fifo = topic_attributes.is_true(given.get("FifoTopic"))
        if not arns.valid_topic_name(name, fifo):
            if fifo:
                raise errors.invalid_parameter(
                    "Fifo Topic names must end with .fifo and must be made up of only uppercase "
                    "and lowercase ASCII letters, numbers, underscores, and hyphens, and must be "
                    "between 1 and 256 characters long."
                )
            raise errors.invalid("Topic Name")
        attributes = topic_attributes.check_all(given, fifo=fifo)
        protection = params.get("DataProtectionPolicy")
        if protection:
            attributes["DataProtectionPolicy"] = topic_attributes.check(
                "DataProtectionPolicy", protection, fifo=fifo, creating=True
            )
        tags = _tags(params.get("Tags"))
        topic_name = arns.TopicName(caller.region, caller.account, name)
        now = self.engine.node.clock()

        async def create(tx: Tx) -> str:
            existing = await TOPICS.get(tx, topic_name.key, for_update=True)
            if existing is not None:
                for key, value in attributes.items():
                    if existing.attributes.get(key, _implicit(key)) != value:
                        raise errors.invalid(
                            "Attributes", "Topic already exists with different attributes"
                        )
                if params.get("Tags") is not None and tags != existing.tags:
                    raise errors.invalid("Tags", "Topic already exists with different tags")
                return existing.arn
            topic = Topic(
                arn=topic_name.arn,
                name=name,
                account=caller.account,
                region=caller.region,
                fifo=fifo,
                created=now,
                attributes=attributes,
                tags=tags,
            )
            await TOPICS.put(tx, topic_name.key, topic)
            return topic.arn

        return {"TopicArn": await self._write(create)}

    async def delete_topic(self, caller: Caller, params: Params) -> Result:
        name = arns.parse_topic_arn(params["TopicArn"])
        if name.region != caller.region:
            raise errors.invalid("TopicArn")
        if name.account != caller.account:
            return {}

        async def delete(tx: Tx) -> bool:
            if not await TOPICS.delete(tx, name.key):
                return False
            for key, sub in await SUBSCRIPTIONS.items(tx, prefix=name.key + "/"):
                await tx.delete(SUBSCRIPTIONS.space, key)
                await tx.delete(ENDPOINTS_SPACE, endpoint_key(name.key, sub.protocol, sub.endpoint))
                await STATS.delete(tx, key)
            await self.engine.fifo.forget_topic(tx, name.key)
            return True

        if await self._write(delete):
            self.engine.subscriptions_changed(name.key)
        return {}

    async def list_topics(self, caller: Caller, params: Params) -> Result:
        prefix = arns.account_prefix(caller.region, caller.account)
        after = page_after(params.get("NextToken"), prefix)

        async def page(tx: Tx) -> list[tuple[bytes, Topic]]:
            return await TOPICS.items(
                tx, prefix=prefix, after=after, limit=limits.SNS_LIST_PAGE_SIZE + 1
            )

        rows = await self.engine.node.store.read(page)
        result: Result = {
            "Topics": [{"TopicArn": t.arn} for _, t in rows[: limits.SNS_LIST_PAGE_SIZE]]
        }
        if len(rows) > limits.SNS_LIST_PAGE_SIZE:
            result["NextToken"] = page_token(rows[limits.SNS_LIST_PAGE_SIZE - 1][0])
        return result

    async def get_topic_attributes(self, caller: Caller, params: Params) -> Result:
        name = own_topic(caller, params["TopicArn"])
        topic = await self.engine.node.store.read(lambda tx: require_topic(tx, name))
        return {"Attributes": topic_attributes.shown(topic)}

    async def set_topic_attributes(self, caller: Caller, params: Params) -> Result:
        name = own_topic(caller, params["TopicArn"])
        attribute: str = params["AttributeName"]
        value: str = params.get("AttributeValue") or ""

        async def update(tx: Tx) -> None:
            topic = await require_topic(tx, name, for_update=True)
            stored = topic_attributes.check(attribute, value, fifo=topic.fifo, creating=False)
            topic.attributes[attribute] = stored
            topic.version += 1
            await TOPICS.put(tx, name.key, topic)

        await self._write(update)
        self.engine.subscriptions_changed(name.key)
        return {}

    async def tag_resource(self, caller: Caller, params: Params) -> Result:
        name = _tagged(caller, params["ResourceArn"])
        add = _tags(params.get("Tags"))

        async def tag(tx: Tx) -> None:
            topic = await TOPICS.get(tx, name.key, for_update=True)
            if topic is None:
                raise errors.resource_not_found()
            merged = {**topic.tags, **add}
            if len(merged) > limits.SNS_MAX_TAGS:
                raise _tag_limit()
            topic.tags = merged
            await TOPICS.put(tx, name.key, topic)

        await self._write(tag)
        return {}

    async def untag_resource(self, caller: Caller, params: Params) -> Result:
        name = _tagged(caller, params["ResourceArn"])
        keys: list[str] = params.get("TagKeys") or []

        async def untag(tx: Tx) -> None:
            topic = await TOPICS.get(tx, name.key, for_update=True)
            if topic is None:
                raise errors.resource_not_found()
            for key in keys:
                topic.tags.pop(key, None)
            await TOPICS.put(tx, name.key, topic)

        await self._write(untag)
        return {}

    async def list_tags_for_resource(self, caller: Caller, params: Params) -> Result:
        name = _tagged(caller, params["ResourceArn"])
        topic = await self.engine.node.store.read(lambda tx: TOPICS.get(tx, name.key))
        if topic is None:
            raise errors.resource_not_found()
        return {"Tags": [{"Key": k, "Value": v} for k, v in topic.tags.items()]}


def _implicit(name: str) -> str:
    """What an attribute that was never set compares as when a topic is created again."""
    return {"ContentBasedDeduplication": "false", "FifoTopic": "false"}.get(name, "")


def _tagged(caller: Caller, arn: str) -> arns.TopicName:
    name = arns.resource_arn(arn)
    if name.region != caller.region or name.account != caller.account:
        raise errors.resource_not_found()
    return name


def _tag_limit() -> ServiceError:
    return ServiceError(
        "TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded"
    )


def _tags(given: list[dict[str, str]] | None) -> dict[str, str]:
    tags: dict[str, str] = {}
    for tag in given or []:
        tags[tag["Key"]] = tag.get("Value", "")
    if len(tags) > limits.SNS_MAX_TAGS:
        raise _tag_limit()
    return tags
