"""``skybus.sns.verify``, the helper receivers use instead of validators that only trust
amazonaws.com: valid messages pass, tampered ones fail, foreign certificates are refused."""

from __future__ import annotations

from typing import Any

import pytest

from skybus.sns import VerificationError, string_to_sign, verify
from tests.servers import RunningServer
from tests.topics.conftest import ReceiverFactory, subscribe_http
from tests.topics.receivers import canonical


def test_verify_accepts_both_versions_and_refuses_tampering(
    sns: Any, topic: str, receiver: ReceiverFactory, sns_server: RunningServer
) -> None:
    endpoint = receiver()
    subscribe_http(sns, topic, endpoint)
    sns.publish(TopicArn=topic, Message="v1", Subject="s")
    sns.set_topic_attributes(TopicArn=topic, AttributeName="SignatureVersion", AttributeValue="2")
    sns.publish(TopicArn=topic, Message="v2")
    # Deliveries run concurrently, so arrival order is not publish order.
    got = sorted((r.json for r in endpoint.wait_for(2)), key=lambda m: m["Message"])
    confirmation = endpoint.of_kind("SubscriptionConfirmation")[0].json
    trusted = [sns_server.endpoint]
    for message in [*got, confirmation]:
        assert string_to_sign(message) == canonical(message)
        assert verify(message, trusted=trusted)
    assert [m["SignatureVersion"] for m in got] == ["1", "2"]
    assert not verify({**got[0], "Message": "changed"}, trusted=trusted)
    assert not verify({**got[1], "Signature": got[0]["Signature"]}, trusted=trusted)
    assert not verify({k: v for k, v in got[0].items() if k != "Signature"}, trusted=trusted)


def test_verify_refuses_certificates_of_untrusted_hosts(
    sns: Any, topic: str, receiver: ReceiverFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = receiver()
    subscribe_http(sns, topic, endpoint)
    sns.publish(TopicArn=topic, Message="m")
    message = endpoint.wait_for(1)[0].json
    with pytest.raises(VerificationError):
        verify(message, trusted=["skybus.example:4566"])
    forged = {**message, "SigningCertURL": "http://evil.example/SimpleNotificationService-1.pem"}
    with pytest.raises(VerificationError):
        verify(forged, trusted=["evil.example:81"])
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_SNS", raising=False)
    with pytest.raises(VerificationError):
        verify(message)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint.skybus)
    assert verify(message)  # the Skybus the application talks to is trusted by default
