"""The contract's work queue, on every backend, with a clock moved by hand."""

from __future__ import annotations

import asyncio

import pytest

from skybus.store import Job, QueueDepth, Store, Tx
from tests.store.conftest import FakeClock


async def test_enqueue_then_claim(store: Store, clock: FakeClock) -> None:
    job_id = await store.enqueue("q", b"hello")
    [job] = await store.claim("q", limit=10, visibility=30)
    assert isinstance(job, Job)
    assert (job.id, job.payload, job.attempts) == (job_id, b"hello", 1)
    assert job.enqueued_at == clock.now
    assert job.token
    assert await store.claim("q", limit=10, visibility=30) == []
    assert await store.ack("q", job.id, job.token) is True
    assert await store.queue_depth("q") == QueueDepth(0, 0, 0)


async def test_delay(store: Store, clock: FakeClock) -> None:
    await store.enqueue("q", b"later", delay=10)
    assert await store.claim("q", limit=1, visibility=30) == []
    assert await store.queue_depth("q") == QueueDepth(ready=0, in_flight=0, delayed=1)
    clock.advance(9.9)
    assert await store.claim("q", limit=1, visibility=30) == []
    clock.advance(0.1)
    assert [j.payload for j in await store.claim("q", limit=1, visibility=30)] == [b"later"]


async def test_claim_limit_and_order(store: Store, clock: FakeClock) -> None:
    ids = []
    for i in range(5):
        ids.append(await store.enqueue("q", b"%d" % i))
        clock.advance(1)
    first = await store.claim("q", limit=2, visibility=30)
    assert [j.id for j in first] == ids[:2]
    rest = await store.claim("q", limit=10, visibility=30)
    assert [j.id for j in rest] == ids[2:]
    assert await store.claim("q", limit=10, visibility=30) == []
    assert await store.claim("q", limit=0, visibility=30) == []


async def test_queues_are_separate(store: Store) -> None:
    await store.enqueue("a", b"for a")
    assert await store.claim("b", limit=10, visibility=30) == []
    assert await store.queue_depth("b") == QueueDepth(0, 0, 0)
    assert [j.payload for j in await store.claim("a", limit=10, visibility=30)] == [b"for a"]


async def test_visibility_expiry_reissues_with_new_token(store: Store, clock: FakeClock) -> None:
    await store.enqueue("q", b"work")
    [first] = await store.claim("q", limit=1, visibility=30)
    clock.advance(29)
    assert await store.claim("q", limit=1, visibility=30) == []
    assert await store.queue_depth("q") == QueueDepth(ready=0, in_flight=1, delayed=0)
    clock.advance(1)
    assert await store.queue_depth("q") == QueueDepth(ready=1, in_flight=0, delayed=0)
    [second] = await store.claim("q", limit=1, visibility=30)
    assert second.id == first.id
    assert second.attempts == 2
    assert second.token != first.token
    # The first worker's lease is gone: it can neither settle nor extend the job.
    assert await store.ack("q", first.id, first.token) is False
    assert await store.extend("q", first.id, first.token, visibility=60) is False
    assert await store.retry("q", first.id, first.token, delay=0) is False
    assert await store.ack("q", second.id, second.token) is True
    assert await store.ack("q", second.id, second.token) is False


async def test_retry_with_delay_and_new_payload(store: Store, clock: FakeClock) -> None:
    await store.enqueue("q", b"v1")
    [job] = await store.claim("q", limit=1, visibility=30)
    assert await store.retry("q", job.id, job.token, delay=5, payload=b"v2") is True
    assert await store.queue_depth("q") == QueueDepth(ready=0, in_flight=0, delayed=1)
    assert await store.ack("q", job.id, job.token) is False
    clock.advance(4)
    assert await store.claim("q", limit=1, visibility=30) == []
    clock.advance(1)
    [again] = await store.claim("q", limit=1, visibility=30)
    assert (again.id, again.payload, again.attempts) == (job.id, b"v2", 2)


async def test_retry_keeps_payload_by_default(store: Store) -> None:
    await store.enqueue("q", b"same")
    [job] = await store.claim("q", limit=1, visibility=30)
    assert await store.retry("q", job.id, job.token, delay=0) is True
    [again] = await store.claim("q", limit=1, visibility=30)
    assert again.payload == b"same"


async def test_extend(store: Store, clock: FakeClock) -> None:
    await store.enqueue("q", b"slow")
    [job] = await store.claim("q", limit=1, visibility=10)
    clock.advance(8)
    assert await store.extend("q", job.id, job.token, visibility=10) is True
    clock.advance(5)
    assert await store.claim("q", limit=1, visibility=10) == []
    clock.advance(5)
    [again] = await store.claim("q", limit=1, visibility=10)
    assert again.attempts == 2


async def test_queue_depth_counts_each_state(store: Store, clock: FakeClock) -> None:
    for i in range(3):
        await store.enqueue("q", b"ready %d" % i)
    await store.enqueue("q", b"delayed", delay=60)
    await store.claim("q", limit=2, visibility=30)
    assert await store.queue_depth("q") == QueueDepth(ready=1, in_flight=2, delayed=1)
    clock.advance(60)
    assert await store.queue_depth("q") == QueueDepth(ready=4, in_flight=0, delayed=0)


async def test_enqueue_in_failed_write_leaves_no_job(store: Store) -> None:
    async def publish(tx: Tx) -> None:
        await tx.put("messages", b"m1", b"body")
        await tx.enqueue("deliveries", b"m1")
        raise RuntimeError("subscriber lookup failed")

    with pytest.raises(RuntimeError):
        await store.write(publish)
    assert await store.queue_depth("deliveries") == QueueDepth(0, 0, 0)
    assert await store.claim("deliveries", limit=10, visibility=30) == []
    assert await store.get("messages", b"m1") is None


async def test_enqueue_with_write_is_atomic(store: Store) -> None:
    async def publish(tx: Tx) -> str:
        await tx.put("messages", b"m1", b"body")
        return await tx.enqueue("deliveries", b"m1", job_id="delivery-1")

    assert await store.write(publish) == "delivery-1"
    [job] = await store.claim("deliveries", limit=10, visibility=30)
    assert job.id == "delivery-1"
    assert await store.get("messages", job.payload) == b"body"


async def test_enqueue_with_known_id_is_idempotent(store: Store) -> None:
    assert await store.enqueue("q", b"first", job_id="j") == "j"
    assert await store.enqueue("q", b"second", job_id="j") == "j"
    assert await store.queue_depth("q") == QueueDepth(1, 0, 0)
    [job] = await store.claim("q", limit=10, visibility=30)
    assert job.payload == b"first"


async def test_purge_queue(store: Store) -> None:
    for i in range(3):
        await store.enqueue("q", b"%d" % i)
    await store.claim("q", limit=1, visibility=30)
    assert await store.write(lambda tx: tx.purge_queue("q")) == 3
    assert await store.queue_depth("q") == QueueDepth(0, 0, 0)


async def test_concurrent_claims_never_share_a_job(store: Store) -> None:
    async def enqueue_all(tx: Tx) -> None:
        for i in range(60):
            await tx.enqueue("q", b"%d" % i)

    await store.write(enqueue_all)
    batches = await asyncio.gather(*(store.claim("q", limit=7, visibility=30) for _ in range(12)))
    ids = [job.id for batch in batches for job in batch]
    assert len(ids) == len(set(ids)) == 60
