"""Nothing acknowledged is lost: kill -9 a node while 10,000 deliveries are pending, start it
again on the same data folder, and every message arrives at least once.

The endpoint is slow while the messages are published (50 ms per request, so with 16 requests at
a time the node delivers about 300 a second and most of the 10,000 are still in the outbox,
claimed, waiting in a lane or deferred, when the node is killed). After the restart the endpoint
answers at once. The node runs SNS time 20 times faster so that jobs claimed by the killed
process come back after 4 s (the HTTP timeout's floor sets that lease) rather than 30 s.
Deliveries are raw, to keep the 10,000 signature checks of the signed path out of the
test's time; signing is covered by the other tests.
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.clients import client
from tests.servers import start_server
from tests.topics.conftest import subscribe_http, unique
from tests.topics.receivers import Receiver

MESSAGES = 10_000


@pytest.mark.slow
def test_kill_9_with_10000_pending_deliveries_loses_nothing(tmp_path: Path) -> None:
    env = {"SKYBUS_SNS_TIME_SCALE": "0.05"}
    server = start_server(tmp_path / "data", env=env)
    slow = threading.Event()
    slow.set()

    def pace(item: Any) -> tuple[int, float]:
        return 200, 0.05 if slow.is_set() else 0.0

    receiver = Receiver(skybus=server.endpoint, raw=True, script=pace).start()
    try:
        sns = client(server, "sns")
        topic = sns.create_topic(Name=unique())["TopicArn"]
        subscribe_http(sns, topic, receiver, {"RawMessageDelivery": "true"})
        published: set[str] = set()
        for batch in range(MESSAGES // 10):
            entries = [{"Id": str(i), "Message": f"{batch}-{i}"} for i in range(10)]
            reply = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
            assert not reply["Failed"]
            published.update(s["MessageId"] for s in reply["Successful"])
        assert len(published) == MESSAGES
        before_kill = len(receiver.notifications())
        server.stop(signal.SIGKILL)
        assert server.process.returncode == -signal.SIGKILL
        if server.process.stdout is not None:
            server.process.stdout.close()
        assert before_kill < MESSAGES / 2, "most deliveries should still be pending"

        slow.clear()
        server = start_server(tmp_path / "data", env=env)
        restarted = time.monotonic()
        deadline = time.monotonic() + 90
        arrived: set[str] = set()
        while time.monotonic() < deadline:
            arrived = {n.headers["x-amz-sns-message-id"] for n in receiver.notifications()}
            if published <= arrived:
                break
            time.sleep(0.2)
        missing = published - arrived
        print(
            f"delivered before the kill: {before_kill}; after the restart everything within "
            f"{time.monotonic() - restarted:.1f} s"
        )
        assert not missing, f"{len(missing)} of {MESSAGES} messages never arrived"
    finally:
        server.stop()
        if server.process.stdout is not None:
            server.process.stdout.close()
        receiver.stop()
