"""What subscribers receive: the JSON bodies and headers of SNS messages, and the canonical
string their signature covers.

Field order follows AWS's captures. The canonical string is, for each signed field present,
``name\\n value\\n`` in byte order of the names: Message, MessageId, Subject (only when set),
Timestamp, TopicArn, Type for a Notification; Message, MessageId, SubscribeURL, Timestamp,
Token, TopicArn, Type for the two confirmation messages. Values are the plain strings, not their
JSON escapes. MessageAttributes, UnsubscribeURL and SequenceNumber are not signed.
"""

from __future__ import annotations

from typing import Any

import orjson

from skybus.engines.topics.messages import Message

NOTIFICATION = "Notification"
SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation"
UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation"
USER_AGENT = "Amazon Simple Notification Service Agent"
PLAIN_TEXT = "text/plain; charset=UTF-8"

NOTIFICATION_SIGNED = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_SIGNED = (
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
)


def canonical(fields: dict[str, Any]) -> bytes:
    """The string a message's signature covers (``fields`` as sent, ``Type`` included)."""
    names = NOTIFICATION_SIGNED if fields.get("Type") == NOTIFICATION else CONFIRMATION_SIGNED
    parts: list[str] = []
    for name in names:
        value = fields.get(name)
        if value is None:
            continue
        parts.append(f"{name}\n{value}\n")
    return "".join(parts).encode("utf-8")


def subscribe_url(base_url: str, topic_arn: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/?Action=ConfirmSubscription&TopicArn={topic_arn}&Token={token}"


def unsubscribe_url(base_url: str, subscription_arn: str) -> str:
    return f"{base_url.rstrip('/')}/?Action=Unsubscribe&SubscriptionArn={subscription_arn}"


def notification_fields(message: Message, protocol: str) -> dict[str, Any]:
    """The signed fields of a Notification, in the order AWS sends them."""
    fields: dict[str, Any] = {"Type": NOTIFICATION, "MessageId": message.id}
    if message.sequence is not None:
        fields["SequenceNumber"] = message.sequence
    fields["TopicArn"] = message.topic_arn
    if message.subject is not None:
        fields["Subject"] = message.subject
    fields["Message"] = message.text_for(protocol)
    fields["Timestamp"] = message.timestamp
    return fields


def notification(
    fields: dict[str, Any],
    message: Message,
    *,
    signature: str | None,
    version: str,
    cert_url: str,
    unsubscribe: str,
) -> bytes:
    """The JSON envelope of a Notification (HTTP/S body, or SQS message body when not raw).
    Without a signature (FIFO topics' queue envelopes) the three signing fields are left out."""
    body = dict(fields)
    if signature is not None:
        body["SignatureVersion"] = version
        body["Signature"] = signature
        body["SigningCertURL"] = cert_url
    body["UnsubscribeURL"] = unsubscribe
    if message.attributes and message.variants is None:
        body["MessageAttributes"] = message.attributes
    return orjson.dumps(body)


def confirmation_fields(
    kind: str,
    *,
    message_id: str,
    token: str,
    topic_arn: str,
    subscription_arn: str,
    subscribe: str,
    timestamp: str,
) -> dict[str, Any]:
    if kind == SUBSCRIPTION_CONFIRMATION:
        text = (
            f"You have chosen to subscribe to the topic {topic_arn}.\n"
            "To confirm the subscription, visit the SubscribeURL included in this message."
        )
    else:
        text = (
            f"You have chosen to deactivate subscription {subscription_arn}.\n"
            "To cancel this operation and restore the subscription, visit the SubscribeURL "
            "included in this message."
        )
    return {
        "Type": kind,
        "MessageId": message_id,
        "Token": token,
        "TopicArn": topic_arn,
        "Message": text,
        "SubscribeURL": subscribe,
        "Timestamp": timestamp,
    }


def confirmation(fields: dict[str, Any], *, signature: str, version: str, cert_url: str) -> bytes:
    body = dict(fields)
    body["SignatureVersion"] = version
    body["Signature"] = signature
    body["SigningCertURL"] = cert_url
    return orjson.dumps(body)


def http_headers(
    kind: str,
    *,
    message_id: str,
    topic_arn: str,
    subscription_arn: str | None,
    content_type: str = PLAIN_TEXT,
    raw: bool = False,
) -> list[tuple[str, str]]:
    headers = [
        ("x-amz-sns-message-type", kind),
        ("x-amz-sns-message-id", message_id),
        ("x-amz-sns-topic-arn", topic_arn),
    ]
    if subscription_arn is not None:
        headers.append(("x-amz-sns-subscription-arn", subscription_arn))
    if raw:
        headers.append(("x-amz-sns-rawdelivery", "true"))
    headers.append(("Content-Type", content_type))
    headers.append(("User-Agent", USER_AGENT))
    headers.append(("Accept-Encoding", "gzip,deflate"))
    return headers


def lambda_event(
    fields: dict[str, Any],
    message: Message,
    *,
    subscription_arn: str,
    signature: str,
    cert_url: str,
    unsubscribe: str,
) -> bytes:
    """The event a subscribed function is invoked with: one record per invocation. AWS says
    SignatureVersion "1" here even when the topic signs with SHA256."""
    attributes: dict[str, Any] = {}
    for name, value in message.attributes.items():
        kind = value["Type"]
        shown = "String" if kind.startswith(("Number", "String")) else kind
        attributes[name] = {"Type": shown, "Value": value["Value"]}
    sns = {
        "Type": fields["Type"],
        "MessageId": fields["MessageId"],
        "TopicArn": fields["TopicArn"],
        "Subject": fields.get("Subject"),
        "Message": fields["Message"],
        "Timestamp": fields["Timestamp"],
        "SignatureVersion": "1",
        "Signature": signature,
        "SigningCertUrl": cert_url,
        "UnsubscribeUrl": unsubscribe,
        "MessageAttributes": attributes,
    }
    record = {
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": subscription_arn,
        "Sns": sns,
    }
    return orjson.dumps({"Records": [record]})
