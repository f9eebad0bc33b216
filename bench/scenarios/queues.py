"""SQS on a standard queue: SendMessage, SendMessageBatch (10 messages of 100 bytes) and
ReceiveMessage, over the JSON protocol current SDKs speak.

The harness sends one pre-signed request per operation, so a receive followed by a delete of
what it received cannot be one of its operations (the delete needs the receipt handle the
receive returns, and every system makes its own). ``ReceiveMessage`` therefore receives from a
queue filled in setup with ``VisibilityTimeout=0``: every receive claims a message (a durable
write, counted as a receive) and leaves it visible for the next one, so the queue never runs
dry. Receive+delete pairs are measured by this module's own driver, run directly::

    .venv/bin/python -m bench.scenarios.queues pairs      # receive+delete pairs, skybus and moto
    .venv/bin/python -m bench.scenarios.queues latency    # long-poll wake-up, skybus

The driver does not sign its requests, so that signing does not load the client: it sends one
fixed SigV4 Authorization header (both servers accept it: Skybus runs without credentials and
moto never checks signatures, but both route by its credential scope).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.scenario import Operation, Scenario
from bench.signing import Signer

ACCOUNT = "000000000000"
SEND_QUEUE = "bench-send"
RECEIVE_QUEUE = "bench-receive"
PREFILL_BATCHES = 100
_JSON_10 = "application/x-amz-json-1.0"
BODY = "x" * 100


def queue_url(name: str, host: str = "localhost") -> str:
    return f"http://{host}/{ACCOUNT}/{name}"


def _sqs(signer: Signer, operation: str, payload: dict[str, Any]) -> bytes:
    headers = {"Content-Type": _JSON_10, "X-Amz-Target": f"AmazonSQS.{operation}"}
    body = json.dumps(payload).encode()
    return signer.sign("sqs", "POST", "/", headers=headers, body=body)


def _batch(queue: str) -> dict[str, Any]:
    entries = [{"Id": str(i), "MessageBody": BODY} for i in range(10)]
    return {"QueueUrl": queue_url(queue), "Entries": entries}


def build(signer: Signer) -> Scenario:
    setup = [
        _sqs(signer, "CreateQueue", {"QueueName": name}) for name in (SEND_QUEUE, RECEIVE_QUEUE)
    ]
    setup += [_sqs(signer, "SendMessageBatch", _batch(RECEIVE_QUEUE))] * PREFILL_BATCHES
    send = {"QueueUrl": queue_url(SEND_QUEUE), "MessageBody": BODY}
    receive = {"QueueUrl": queue_url(RECEIVE_QUEUE), "VisibilityTimeout": 0}
    return Scenario(
        name="queues",
        description=__doc__ or "",
        operations=(
            Operation("SendMessage", _sqs(signer, "SendMessage", send)),
            Operation("SendMessageBatch", _sqs(signer, "SendMessageBatch", _batch(SEND_QUEUE))),
            Operation("ReceiveMessage", _sqs(signer, "ReceiveMessage", receive)),
        ),
        setup=tuple(setup),
    )


# The driver for what the harness cannot express.


_AUTHORIZATION = (
    "Authorization: AWS4-HMAC-SHA256 Credential=bench/20250101/us-east-1/sqs/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64 + "\r\n"
    "X-Amz-Date: 20250101T000000Z\r\n"
)


class Client:
    """One keep-alive HTTP/1.1 connection sending SQS JSON requests (see the module's notes
    about their signature)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def call(self, operation: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload).encode()
        head = (
            f"POST / HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: {_JSON_10}\r\n"
            f"X-Amz-Target: AmazonSQS.{operation}\r\n{_AUTHORIZATION}"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        for _ in range(2):  # moto closes the connection after every response
            if self.writer is None or self.reader is None or self.reader.at_eof():
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            self.writer.write(head.encode() + body)
            try:
                status, data, closes = await self._response(self.reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                self.writer = None
                continue
            if closes:
                self.writer.close()
                self.writer = None
            if status >= 400:
                raise RuntimeError(f"{operation}: {status} {data[:200]!r}")
            found: dict[str, Any] = json.loads(data) if data else {}
            return found
        raise RuntimeError(f"{operation}: connection lost")

    @staticmethod
    async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
        status = int(head[9:12])
        length = 0
        for line in head.split("\r\n"):
            if line.startswith("content-length:"):
                length = int(line.split(":", 1)[1])
        closes = "connection: close" in head
        return status, await reader.readexactly(length), closes


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(share * len(ordered)), len(ordered) - 1)] if ordered else 0.0


async def _fill(host: str, port: int, queue: str, messages: int) -> None:
    clients = [Client(host, port) for _ in range(8)]

    async def worker(index: int) -> None:
        for _ in range(index, messages // 10, len(clients)):
            await clients[index].call("SendMessageBatch", _batch(queue) | {"QueueUrl": url})

    url = queue_url(queue, f"{host}:{port}")
    await asyncio.gather(*(worker(i) for i in range(len(clients))))


async def pairs(
    host: str, port: int, connections: int, seconds: float, prefill: int
) -> dict[str, float]:
    """Receive one message and delete it, again and again on each connection; a receive that
    finds the queue empty sends a batch of 10 instead (counted as an empty receive)."""
    url = queue_url("bench-pairs", f"{host}:{port}")
    await Client(host, port).call("CreateQueue", {"QueueName": "bench-pairs"})
    await _fill(host, port, "bench-pairs", prefill)
    latencies: list[float] = []
    empty = 0
    deadline = time.perf_counter() + seconds

    async def loop(client: Client) -> None:
        nonlocal empty
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            got = await client.call("ReceiveMessage", {"QueueUrl": url})
            messages = got.get("Messages", [])
            if not messages:
                empty += 1
                await client.call("SendMessageBatch", _batch("bench-pairs") | {"QueueUrl": url})
                continue
            handle = messages[0]["ReceiptHandle"]
            await client.call("DeleteMessage", {"QueueUrl": url, "ReceiptHandle": handle})
            latencies.append(time.perf_counter() - started)

    began = time.perf_counter()
    await asyncio.gather(*(loop(Client(host, port)) for _ in range(connections)))
    elapsed = time.perf_counter() - began
    return {
        "pairs/s": len(latencies) / elapsed,
        "p50 ms": percentile(latencies, 0.5) * 1e3,
        "p99 ms": percentile(latencies, 0.99) * 1e3,
        "empty receives": float(empty),
    }


async def wake_latency(host: str, port: int, rounds: int) -> dict[str, float]:
    """A receive long-polls an empty queue; a message is sent; how long until it returns."""
    url = queue_url("bench-wake", f"{host}:{port}")
    sender, waiter = Client(host, port), Client(host, port)
    await sender.call("CreateQueue", {"QueueName": "bench-wake"})
    latencies: list[float] = []
    for _ in range(rounds):
        receive = asyncio.create_task(
            waiter.call("ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": 20})
        )
        await asyncio.sleep(0.02)  # the receive is waiting on the server by now
        sent_at = time.perf_counter()
        await sender.call("SendMessage", {"QueueUrl": url, "MessageBody": "wake"})
        got = await receive
        latencies.append(time.perf_counter() - sent_at)
        handle = got["Messages"][0]["ReceiptHandle"]
        await sender.call("DeleteMessage", {"QueueUrl": url, "ReceiptHandle": handle})
    return {
        "p50 ms": statistics.median(latencies) * 1e3,
        "p99 ms": percentile(latencies, 0.99) * 1e3,
        "max ms": max(latencies) * 1e3,
    }


async def _main(argv: list[str]) -> int:
    from bench.systems import SYSTEMS, RunningSystem

    parser = argparse.ArgumentParser(prog="python -m bench.scenarios.queues")
    parser.add_argument("what", choices=["pairs", "latency"])
    parser.add_argument("--only", default="skybus,moto")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument(
        "--prefill",
        default="skybus=30000,moto=2000",
        help="messages in the queue before pairs start, per system (default %(default)s)",
    )
    args = parser.parse_args(argv)
    names = ["skybus"] if args.what == "latency" else args.only.split(",")
    prefill = {k: int(v) for k, v in (p.split("=") for p in args.prefill.split(","))}
    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="skybus-bench-") as tmp:
        for name in names:
            system = RunningSystem(SYSTEMS[name], Path(tmp))
            try:
                await system.wait_ready()
                if args.what == "pairs":
                    rows[name] = await pairs(
                        system.host,
                        system.port,
                        args.concurrency,
                        args.duration,
                        prefill.get(name, 2000),
                    )
                else:
                    rows[name] = await wake_latency(system.host, system.port, args.rounds)
            finally:
                print(f"{name}: {await system.stop()}", file=sys.stderr)
    for name, row in rows.items():
        cells = "  ".join(f"{key} {value:,.2f}" for key, value in row.items())
        ratio = ""
        if args.what == "pairs" and name != "moto" and rows.get("moto", {}).get("pairs/s"):
            ratio = f"  vs moto {row['pairs/s'] / rows['moto']['pairs/s']:.2f}x"
        print(f"{name:8} {cells}{ratio}")
    return 0


if __name__ == "__main__":
    import uvloop

    sys.exit(uvloop.run(_main(sys.argv[1:])))
