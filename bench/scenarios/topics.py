"""SNS Publish with 0, 1 and 10 subscribers, and (run as a script) delivery to HTTP endpoints.

Setup creates three topics and ten queues and subscribes one queue to ``bench-one`` and all ten
to ``bench-ten`` (sqs subscriptions: the same setup works on every system, and needs no endpoint
to confirm). Each operation publishes a 200-byte message to one of the topics. Skybus answers
once the message and its deliveries are stored, and delivers afterwards; moto delivers to the
queues before it answers. The requests carry ``x-moto-account-id: 000000000000`` so that moto
uses the account Skybus uses without credentials, and the topic ARNs are the same on both.

``python -m bench.scenarios.topics`` measures what the table cannot: it starts a Skybus node and
an HTTP endpoint (its own process), subscribes the endpoint, and reports

* publish-to-arrival latency (p50/p99) with 8 boto3 publishers publishing one message at a
  time, paced at 350 messages/s in all (the rate LocalStack reached in the issue's figures) and
  then as fast as they can;
* sustained deliveries per second to that one endpoint while 8 publishers send batches of 10,
  and how fast the backlog drains once they stop, for raw and for signed deliveries.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson

from bench.scenario import Operation, Scenario
from bench.signing import Signer

ACCOUNT = "000000000000"
REGION = "us-east-1"
_FORM = "application/x-www-form-urlencoded; charset=utf-8"
_JSON_10 = "application/x-amz-json-1.0"
_MOTO_ACCOUNT = {"x-moto-account-id": ACCOUNT}
_MESSAGE = "m" * 200
TOPICS = {"Publish (0 subscribers)": "bench-none", "Publish (1 subscriber)": "bench-one"}
TOPICS["Publish (10 subscribers)"] = "bench-ten"


def _sns(signer: Signer, action: str, **params: str) -> bytes:
    body = urlencode({"Action": action, "Version": "2010-03-31", **params}).encode()
    headers = {"Content-Type": _FORM, **_MOTO_ACCOUNT}
    return signer.sign("sns", "POST", "/", headers=headers, body=body)


def _sqs(signer: Signer, operation: str, body: dict[str, Any]) -> bytes:
    headers = {"Content-Type": _JSON_10, "X-Amz-Target": f"AmazonSQS.{operation}", **_MOTO_ACCOUNT}
    return signer.sign("sqs", "POST", "/", headers=headers, body=orjson.dumps(body))


def _topic_arn(name: str) -> str:
    return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"


def build(signer: Signer) -> Scenario:
    setup: list[bytes] = [_sns(signer, "CreateTopic", Name=name) for name in TOPICS.values()]
    for i in range(10):
        queue = f"bench-q{i}"
        setup.append(_sqs(signer, "CreateQueue", {"QueueName": queue}))
        queue_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}"
        topics = ["bench-ten", "bench-one"] if i == 0 else ["bench-ten"]
        for name in topics:
            setup.append(
                _sns(
                    signer,
                    "Subscribe",
                    TopicArn=_topic_arn(name),
                    Protocol="sqs",
                    Endpoint=queue_arn,
                )
            )
    operations = tuple(
        Operation(label, _sns(signer, "Publish", TopicArn=_topic_arn(name), Message=_MESSAGE))
        for label, name in TOPICS.items()
    )
    return Scenario(
        name="topics", description=__doc__ or "", operations=operations, setup=tuple(setup)
    )


# Delivery measurements (run as a script) ------------------------------------------------------


class _Endpoint(asyncio.Protocol):
    """The measured endpoint: confirms subscriptions, records when each message arrived and
    how long after its publisher stamped it, and answers ``GET`` with those figures."""

    arrivals: list[tuple[float, float]] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: Any = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            fields = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:])}
            size = int(fields.get("content-length", "0"))
            if len(self.buffer) < end + 4 + size:
                return
            body, self.buffer = self.buffer[end + 4 : end + 4 + size], self.buffer[end + 4 + size :]
            self._handle(head[0], fields.get("x-amz-sns-message-type", ""), body)

    def _handle(self, request_line: str, kind: str, body: bytes) -> None:
        now = time.time()
        reply = b""
        if request_line.startswith("GET"):
            reply = orjson.dumps(self.arrivals)
            self.arrivals.clear()
        elif kind == "SubscriptionConfirmation":
            url = json.loads(body)["SubscribeURL"]
            threading.Thread(target=lambda: urllib.request.urlopen(url).read()).start()
        elif kind == "Notification":
            text = body.decode() if body[:1] != b"{" else json.loads(body)["Message"]
            self.arrivals.append((now, now - float(text.split("|", 1)[0])))
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(reply)}\r\n\r\n".encode()
        self.transport.write(head + reply)


def _serve_endpoint(port: int) -> None:
    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(_Endpoint, "127.0.0.1", port)
        await server.serve_forever()

    asyncio.run(main())


def _arrivals(port: int) -> list[tuple[float, float]]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as reply:
        found: list[tuple[float, float]] = [tuple(x) for x in orjson.loads(reply.read())]
        return found


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def _latency(sns: Any, topic: str, port: int, seconds: float, rate: float | None) -> str:
    """8 publishers, one message per call, as fast as they can or ``rate`` per second in all."""
    calls: list[float] = []
    stop = time.monotonic() + seconds
    interval = 0.0 if rate is None else 8 / rate

    def publisher(offset: float) -> None:
        due = time.monotonic() + offset
        while time.monotonic() < stop:
            if interval:
                time.sleep(max(0.0, due - time.monotonic()))
                due += interval
            began = time.time()
            sns.publish(TopicArn=topic, Message=f"{began}|latency")
            calls.append(time.time() - began)

    with ThreadPoolExecutor(8) as pool:
        for future in [pool.submit(publisher, i * interval / 8) for i in range(8)]:
            future.result()
    time.sleep(1.0)
    lags = [lag for _, lag in _arrivals(port)]
    load = "as fast as they can" if rate is None else f"paced at {rate:.0f}/s"
    return (
        f"{len(calls) / seconds:.0f} publishes/s by 8 publishers ({load}); Publish p50 "
        f"{_percentile(calls, 0.5):.1f} ms p99 {_percentile(calls, 0.99):.1f} ms; "
        f"publish-to-arrival p50 {_percentile(lags, 0.5):.1f} ms p99 "
        f"{_percentile(lags, 0.99):.1f} ms ({len(lags)} of {len(calls)} arrived)"
    )


def _throughput(sns: Any, topic: str, port: int, count: int) -> str:
    began = time.monotonic()

    def publisher(start: int) -> None:
        for batch in range(start, count // 10, 8):
            stamp = time.time()
            entries = [{"Id": str(i), "Message": f"{stamp}|{batch}-{i}"} for i in range(10)]
            sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)

    with ThreadPoolExecutor(8) as pool:
        for future in [pool.submit(publisher, start) for start in range(8)]:
            future.result()
    published, published_at = time.monotonic(), time.time()
    arrivals = _arrivals(port)
    while len(arrivals) < count and time.monotonic() - published < 120:
        time.sleep(0.2)
        arrivals += _arrivals(port)
    during = [at for at, _ in arrivals if at <= published_at]
    span = published - began
    drained = max(at for at, _ in arrivals) - published_at
    return (
        f"published {count} in {span:.1f} s ({count / span:.0f}/s); delivered "
        f"{len(during) / span:.0f}/s while publishing, then the {count - len(during)} left in "
        f"{max(drained, 0.0):.1f} s ({(count - len(during)) / max(drained, 1e-3):.0f}/s); "
        f"{len(arrivals)} arrived"
    )


async def _main(count: int, seconds: float) -> None:
    import boto3
    from botocore.config import Config

    from bench.systems import SYSTEMS, RunningSystem, free_port

    with tempfile.TemporaryDirectory() as workdir:
        system = RunningSystem(SYSTEMS["skybus"], Path(workdir))
        await system.wait_ready()
        port = free_port()
        endpoint = multiprocessing.Process(target=_serve_endpoint, args=(port,), daemon=True)
        endpoint.start()
        try:
            sns = boto3.client(
                "sns",
                endpoint_url=f"http://{system.host}:{system.port}",
                region_name=REGION,
                aws_access_key_id="bench",
                aws_secret_access_key="bench",
                config=Config(max_pool_connections=16, retries={"max_attempts": 1}),
            )
            for raw in ("false", "true"):
                topic = sns.create_topic(Name=f"delivery-{raw}")["TopicArn"]
                sns.subscribe(
                    TopicArn=topic,
                    Protocol="http",
                    Endpoint=f"http://127.0.0.1:{port}/",
                    Attributes={"RawMessageDelivery": raw},
                )
                await asyncio.sleep(1.0)
                _arrivals(port)
                kind = "raw" if raw == "true" else "signed"
                for rate in (350.0, None):
                    figures = await asyncio.to_thread(_latency, sns, topic, port, seconds, rate)
                    print(f"{kind}: {figures}")
                print(f"{kind}: {await asyncio.to_thread(_throughput, sns, topic, port, count)}")
                sns.delete_topic(TopicArn=topic)
        finally:
            endpoint.kill()
            print(await system.stop())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Skybus SNS delivery latency and throughput")
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    asyncio.run(_main(args.messages, args.seconds))
