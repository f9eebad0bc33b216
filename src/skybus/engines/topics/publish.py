"""Publish and PublishBatch: accept a message and fan it out, in one transaction.

The transaction reads the topic (locked, for FIFO topics, which hand out sequence numbers), finds
the confirmed subscriptions whose filter policy matches, and writes one delivery job per match
(FIFO topics: one entry in each subscription's ordered outbox). Only then does Publish answer;
delivery workers take it from there. The subscription list of a topic, with compiled filter
policies, is kept in memory per node and reused while the topic's ``version`` is unchanged, so
a Publish reads one record however many subscriptions the topic has.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from skybus import limits
from skybus.engines.topics import arns, errors, fifo
from skybus.engines.topics.caller import Caller
from skybus.engines.topics.filters import (
    MESSAGE_ATTRIBUTES,
    MESSAGE_BODY,
    FilterPolicy,
    FilterPolicyError,
    compile_policy,
)
from skybus.engines.topics.filters.documents import parse_json
from skybus.engines.topics.messages import Draft, Message, prepare, published_size, timestamp
from skybus.engines.topics.outbox import NOTIFICATION, QUEUE, Delivery
from skybus.engines.topics.records import SUBSCRIPTIONS, TOPICS, Subscription, Topic
from skybus.engines.topics.topics import own_topic
from skybus.store import Tx
from skybus.wire.errors import ServiceError

if TYPE_CHECKING:
    from skybus.engines.topics.engine import TopicsEngine

log = logging.getLogger("skybus.topics")

Params = dict[str, Any]
Result = dict[str, Any]
_BATCH_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
_SIGNED = ("http", "https", "lambda", "sqs")


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A confirmed subscription as Publish sees it."""

    key: str
    protocol: str
    raw: bool
    policy: FilterPolicy | None
    """The compiled filter policy, or None (every message matches)."""


class Matching:
    """One message as filter policies read it, each form prepared once for all subscribers."""

    __slots__ = ("_attributes", "_document", "message")

    _UNSET: Any = object()

    def __init__(self, message: Message) -> None:
        self.message = message
        self._attributes: dict[str, dict[str, str]] | None = None
        self._document: Any = self._UNSET

    def wants(self, subscriber: Subscriber) -> bool:
        policy = subscriber.policy
        if policy is None:
            return True
        if policy.scope == MESSAGE_BODY:
            if self._document is self._UNSET:
                self._document = parse_json(self.message.body)
            return policy.matches_document(self._document)
        if self._attributes is None:
            self._attributes = {
                name: {"DataType": value["Type"], "StringValue": value["Value"]}
                for name, value in self.message.attributes.items()
                if not value["Type"].startswith("Binary")
            }
        return policy.matches_attributes(self._attributes)


def _subscriber(sub: Subscription, topic_key: str) -> Subscriber:
    text = sub.attributes.get("FilterPolicy") or ""
    scope = sub.attributes.get("FilterPolicyScope") or MESSAGE_ATTRIBUTES
    policy = None
    if text:
        try:
            policy = compile_policy(text, scope)
        except FilterPolicyError:
            log.exception("stored filter policy of %s does not compile; matching all", sub.arn)
    return Subscriber(
        key=f"{topic_key}/{sub.id}",
        protocol=sub.protocol,
        raw=sub.attributes.get("RawMessageDelivery") == "true",
        policy=policy,
    )


class Publisher:
    def __init__(self, engine: TopicsEngine) -> None:
        self.engine = engine
        self._fanout: dict[str, tuple[tuple[float, int], list[Subscriber]]] = {}

    def forget(self, topic_key: str) -> None:
        self._fanout.pop(topic_key, None)

    async def subscribers(self, tx: Tx, topic: Topic, topic_key: str) -> list[Subscriber]:
        stamp = (topic.created, topic.version)  # a topic made again under the name starts over
        cached = self._fanout.get(topic_key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        subs = await SUBSCRIPTIONS.scan(tx, prefix=topic_key + "/")
        found = [_subscriber(s, topic_key) for s in subs if s.confirmed]
        if len(self._fanout) >= limits.SNS_FANOUT_CACHE_TOPICS:
            self._fanout.clear()
        self._fanout[topic_key] = (stamp, found)
        return found

    async def publish(self, caller: Caller, params: Params) -> Result:
        name = self._target(caller, params)
        draft = prepare(params)
        _check_fifo_params(name, draft)
        results, fanned = await self._write(caller, name, [draft])
        outcome = results[0]
        if isinstance(outcome, ServiceError):
            raise outcome
        self._after(fanned)
        return outcome

    async def publish_batch(self, caller: Caller, params: Params) -> Result:
        name = own_topic(caller, params["TopicArn"])
        entries: list[Params] = params.get("PublishBatchRequestEntries") or []
        _check_batch(entries)
        drafts: list[Draft | ServiceError] = []
        for entry in entries:
            try:
                checked = prepare(entry)
                _check_fifo_params(name, checked)
            except ServiceError as exc:
                if exc.message and "MessageGroupId parameter is required" in exc.message:
                    raise
                drafts.append(exc)
            else:
                drafts.append(checked)
        valid = [d for d in drafts if isinstance(d, Draft)]
        results, fanned = await self._write(caller, name, valid) if valid else ([], [])
        self._after(fanned)
        successful: list[Result] = []
        failed: list[Result] = []
        outcomes = iter(results)
        for entry, draft in zip(entries, drafts, strict=True):
            outcome = draft if isinstance(draft, ServiceError) else next(outcomes)
            if isinstance(outcome, ServiceError):
                failed.append(
                    {
                        "Id": entry["Id"],
                        "Code": outcome.code,
                        "Message": outcome.message or "",
                        "SenderFault": True,
                    }
                )
            else:
                successful.append({"Id": entry["Id"], **outcome})
        return {"Successful": successful, "Failed": failed}

    def _target(self, caller: Caller, params: Params) -> arns.TopicName:
        if params.get("PhoneNumber"):
            raise errors.invalid(
                "PhoneNumber", "Skybus does not send SMS; publish to a topic instead"
            )
        arn = params.get("TopicArn") or params.get("TargetArn")
        if not arn:
            raise errors.invalid("TopicArn or TargetArn", "no value for required parameter")
        parameter = "TopicArn" if params.get("TopicArn") else "TargetArn"
        if ":endpoint/" in arn:
            raise errors.invalid(parameter, "Skybus has no mobile push platform endpoints")
        return own_topic(caller, arn, parameter)

    async def _write(
        self, caller: Caller, name: arns.TopicName, drafts: list[Draft]
    ) -> tuple[list[Result | ServiceError], list[tuple[Message, set[str], str]]]:
        node = self.engine.node
        now = node.clock()
        stamp = timestamp(now)
        ids = [str(uuid.uuid4()) for _ in drafts]

        async def write(
            tx: Tx,
        ) -> tuple[list[Result | ServiceError], list[tuple[Message, set[str], str]]]:
            topic = await TOPICS.get(tx, name.key, for_update=name.fifo)
            if topic is None:
                raise errors.topic_not_found()
            subscribers = await self.subscribers(tx, topic, name.key)
            version = topic.attributes.get("SignatureVersion") or "1"
            results: list[Result | ServiceError] = []
            fanned: list[tuple[Message, set[str], str]] = []
            for draft, message_id in zip(drafts, ids, strict=True):
                message = Message(
                    id=message_id,
                    topic_arn=topic.arn,
                    timestamp=stamp,
                    body=draft.body,
                    subject=draft.subject,
                    variants=draft.variants,
                    attributes=draft.attributes,
                    group=draft.group,
                )
                matching = Matching(message)
                if topic.fifo:
                    outcome = await self._fifo(tx, topic, name.key, message, draft)
                    results.append(outcome)
                    if isinstance(outcome, ServiceError) or outcome["MessageId"] != message.id:
                        continue  # refused, or a duplicate: accepted but not delivered again
                    for subscriber in subscribers:
                        if matching.wants(subscriber):
                            await self.engine.fifo.append(
                                tx, subscriber.key, message, caller.endpoint
                            )
                    continue
                protocols: set[str] = set()
                for subscriber in subscribers:
                    if not matching.wants(subscriber):
                        continue
                    job = Delivery(NOTIFICATION, subscriber.key, message, base_url=caller.endpoint)
                    await tx.enqueue(QUEUE, job.encode())
                    if not subscriber.raw and subscriber.protocol in _SIGNED:
                        protocols.add(subscriber.protocol)
                results.append({"MessageId": message.id})
                if protocols:
                    fanned.append((message, protocols, version))
            if topic.fifo:
                await TOPICS.put(tx, name.key, topic)
            return results, fanned

        return await node.store.write(write)

    async def _fifo(
        self,
        tx: Tx,
        topic: Topic,
        topic_key: str,
        message: Message,
        draft: Draft,
    ) -> Result | ServiceError:
        dedup = draft.dedup
        if dedup is None:
            if topic.attributes.get("ContentBasedDeduplication") != "true":
                return errors.invalid_parameter(
                    "Invalid parameter: The topic should either have ContentBasedDeduplication "
                    "enabled or MessageDeduplicationId provided explicitly"
                )
            dedup = fifo.content_dedup_id(draft.body)
        message.dedup = dedup
        per_group = topic.attributes.get("FifoThroughputScope") == "MessageGroup"
        scope = (draft.group or "") if per_group else ""
        now = self.engine.node.clock()
        earlier = await self.engine.fifo.duplicate(tx, topic_key, scope, dedup, now)
        if earlier is not None:
            return {"MessageId": earlier[0], "SequenceNumber": earlier[1]}
        topic.sequence += 1
        message.sequence = fifo.sequence_number(topic.sequence)
        await self.engine.fifo.remember(tx, topic_key, scope, dedup, message, now)
        return {"MessageId": message.id, "SequenceNumber": message.sequence}

    def _after(self, fanned: list[tuple[Message, set[str], str]]) -> None:
        self.engine.wake()
        for message, protocols, version in fanned:
            self.engine.deliverer.presign(message, protocols, version)


def _check_fifo_params(name: arns.TopicName, draft: Draft) -> None:
    if name.fifo:
        if not draft.group:
            raise errors.invalid_parameter(
                "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"
            )
        return
    if draft.dedup is not None:
        raise errors.invalid(
            "MessageDeduplicationId",
            "The request includes MessageDeduplicationId parameter that is not valid for this "
            "topic type",
        )


def _check_batch(entries: list[Params]) -> None:
    if not entries:
        raise ServiceError("EmptyBatchRequest", "The batch request doesn't contain any entries.")
    if len(entries) > limits.SNS_MAX_PUBLISH_BATCH_ENTRIES:
        raise ServiceError(
            "TooManyEntriesInBatchRequest",
            "The batch request contains more entries than permissible.",
        )
    ids = [entry.get("Id", "") for entry in entries]
    if len(set(ids)) != len(ids):
        raise ServiceError(
            "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id."
        )
    if any(_BATCH_ID.fullmatch(i) is None for i in ids):
        raise ServiceError(
            "InvalidBatchEntryId",
            "The Id of a batch entry in a batch request doesn't abide by the specification.",
        )
    if sum(published_size(entry) for entry in entries) > limits.SNS_MAX_MESSAGE_BYTES:
        raise ServiceError(
            "BatchRequestTooLong",
            "The length of all the messages put together is more than the limit.",
        )
