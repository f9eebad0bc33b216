"""The contract's key-value part and transactions, on every backend."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skybus.store import ReadOnlyError, Store, StoreError, Tx


async def test_get_put_insert_delete(store: Store) -> None:
    assert await store.get("s", b"k") is None
    await store.put("s", b"k", b"v1")
    assert await store.get("s", b"k") == b"v1"
    await store.put("s", b"k", b"v2")
    assert await store.get("s", b"k") == b"v2"
    assert await store.insert("s", b"k", b"v3") is False
    assert await store.get("s", b"k") == b"v2"
    assert await store.insert("s", b"new", b"x") is True
    assert await store.get("s", b"new") == b"x"
    assert await store.get("other", b"k") is None
    assert await store.delete("s", b"k") is True
    assert await store.delete("s", b"k") is False
    assert await store.get("s", b"k") is None


async def test_values_are_binary_safe(store: Store) -> None:
    value = bytes(range(256)) * 3
    await store.put("s", b"\x00\xff", value)
    await store.put("s", b"", b"")
    assert await store.get("s", b"\x00\xff") == value
    assert await store.get("s", b"") == b""


async def test_keys_must_be_bytes(store: Store) -> None:
    with pytest.raises(TypeError, match="bytes"):
        await store.put("s", "text", b"v")  # type: ignore[arg-type]


async def _fill(store: Store, keys: list[bytes], space: str = "s") -> None:
    async def put_all(tx: Tx) -> None:
        for key in keys:
            await tx.put(space, key, b"v" + key)

    await store.write(put_all)


async def _keys(store: Store, space: str = "s", **kwargs: object) -> list[bytes]:
    return [key for key, _ in await store.scan(space, **kwargs)]  # type: ignore[arg-type]


async def test_scan_ranges(store: Store) -> None:
    keys = [b"a", b"ab", b"abc", b"b", b"ba", b"c"]
    await _fill(store, keys)
    await _fill(store, [b"a", b"zz"], space="neighbour")
    assert await _keys(store) == keys
    assert await _keys(store, start=b"ab") == [b"ab", b"abc", b"b", b"ba", b"c"]
    assert await _keys(store, end=b"b") == [b"a", b"ab", b"abc"]
    assert await _keys(store, start=b"ab", end=b"ba") == [b"ab", b"abc", b"b"]
    assert await _keys(store, prefix=b"a") == [b"a", b"ab", b"abc"]
    assert await _keys(store, prefix=b"ab") == [b"ab", b"abc"]
    assert await _keys(store, prefix=b"a", start=b"ab") == [b"ab", b"abc"]
    assert await _keys(store, prefix=b"a", end=b"abc") == [b"a", b"ab"]
    assert await _keys(store, after=b"ab") == [b"abc", b"b", b"ba", b"c"]
    assert await _keys(store, after=b"ab", start=b"ab") == [b"abc", b"b", b"ba", b"c"]
    assert await _keys(store, reverse=True) == keys[::-1]
    assert await _keys(store, reverse=True, limit=2) == [b"c", b"ba"]
    assert await _keys(store, reverse=True, after=b"b") == [b"abc", b"ab", b"a"]
    assert await _keys(store, reverse=True, prefix=b"b") == [b"ba", b"b"]
    assert await _keys(store, limit=0) == []
    assert await _keys(store, start=b"c", end=b"a") == []
    assert await _keys(store, prefix=b"zz") == []
    pairs = await store.scan("s", prefix=b"b")
    assert pairs == [(b"b", b"vb"), (b"ba", b"vba")]


async def test_scan_pagination_with_after(store: Store) -> None:
    keys = [bytes([i]) for i in range(0, 256, 7)]
    await _fill(store, keys)
    for reverse in (False, True):
        seen: list[bytes] = []
        after: bytes | None = None
        while True:
            page = await _keys(store, after=after, limit=5, reverse=reverse)
            if not page:
                break
            seen.extend(page)
            after = page[-1]
        assert seen == sorted(keys, reverse=reverse)


async def test_prefix_with_0xff_edges(store: Store) -> None:
    keys = [b"\xfe", b"\xfe\xff", b"\xff", b"\xff\x00", b"\xff\xff", b"\xff\xff\x01", b"\x00"]
    await _fill(store, keys)
    assert await _keys(store, prefix=b"\xff") == [
        b"\xff",
        b"\xff\x00",
        b"\xff\xff",
        b"\xff\xff\x01",
    ]
    assert await _keys(store, prefix=b"\xff\xff") == [b"\xff\xff", b"\xff\xff\x01"]
    assert await _keys(store, prefix=b"\xfe") == [b"\xfe", b"\xfe\xff"]
    assert await _keys(store, prefix=b"\xfe\xff") == [b"\xfe\xff"]
    assert await _keys(store, prefix=b"") == sorted(keys)
    assert await store.count("s", prefix=b"\xff") == 4
    assert await store.count("s", prefix=b"\xfe") == 2
    assert await store.count("s") == len(keys)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    keys=st.lists(st.binary(max_size=5), unique=True, max_size=30),
    bound=st.binary(max_size=3),
)
async def test_order_equals_python_bytes_order(
    store: Store, keys: list[bytes], bound: bytes
) -> None:
    space = f"h{uuid.uuid4().hex}"
    await _fill(store, keys, space=space)
    assert await _keys(store, space) == sorted(keys)
    assert await _keys(store, space, reverse=True) == sorted(keys, reverse=True)
    assert await _keys(store, space, start=bound) == sorted(k for k in keys if k >= bound)
    assert await _keys(store, space, end=bound) == sorted(k for k in keys if k < bound)
    assert await _keys(store, space, after=bound) == sorted(k for k in keys if k > bound)
    assert await _keys(store, space, prefix=bound) == sorted(k for k in keys if k.startswith(bound))
    assert await store.count(space, prefix=bound) == sum(k.startswith(bound) for k in keys)


async def test_count_and_drop_space(store: Store) -> None:
    await _fill(store, [b"1", b"2", b"3"], space="gone")
    await _fill(store, [b"1"], space="kept")
    assert await store.count("gone") == 3
    assert await store.write(lambda tx: tx.drop_space("gone")) == 3
    assert await store.count("gone") == 0
    assert await store.get("kept", b"1") == b"v1"


class Boom(Exception):
    pass


async def test_failed_write_leaves_nothing(store: Store) -> None:
    await store.put("s", b"existing", b"old")

    async def fail(tx: Tx) -> None:
        await tx.put("s", b"existing", b"new")
        await tx.put("s", b"fresh", b"x")
        await tx.delete("s", b"other")
        await tx.enqueue("jobs", b"payload")
        raise Boom

    with pytest.raises(Boom):
        await store.write(fail)
    assert await store.get("s", b"existing") == b"old"
    assert await store.get("s", b"fresh") is None
    assert (await store.queue_depth("jobs")).ready == 0


async def test_failing_write_does_not_disturb_concurrent_ones(store: Store) -> None:
    async def fail(tx: Tx) -> None:
        await tx.put("s", b"bad", b"x")
        raise Boom

    async def good(i: int) -> int:
        await store.put("s", b"good%03d" % i, b"x")
        return i

    results = await asyncio.gather(
        *(good(i) for i in range(10)),
        store.write(fail),
        *(good(i) for i in range(10, 20)),
        return_exceptions=True,
    )
    assert [r for r in results if isinstance(r, Boom)] != []
    assert await store.count("s", prefix=b"good") == 20
    assert await store.get("s", b"bad") is None


async def test_write_returns_the_function_result(store: Store) -> None:
    async def fn(tx: Tx) -> tuple[bool, bytes | None]:
        inserted = await tx.insert("s", b"k", b"v")
        return inserted, await tx.get("s", b"k")

    assert await store.write(fn) == (True, b"v")


async def test_read_is_read_only(store: Store) -> None:
    with pytest.raises(ReadOnlyError):
        await store.read(lambda tx: tx.put("s", b"k", b"v"))
    with pytest.raises(ReadOnlyError):
        await store.read(lambda tx: tx.enqueue("q", b"v"))
    assert await store.get("s", b"k") is None


async def test_read_sees_one_snapshot(store: Store) -> None:
    await store.put("s", b"k", b"before")

    async def look(tx: Tx) -> tuple[bytes | None, bytes | None]:
        first = await tx.get("s", b"k")
        await store.put("s", b"k", b"after")
        return first, await tx.get("s", b"k")

    assert await store.read(look) == (b"before", b"before")
    assert await store.get("s", b"k") == b"after"


async def test_transaction_object_expires(store: Store) -> None:
    kept: list[Tx] = []

    async def keep(tx: Tx) -> None:
        kept.append(tx)

    await store.write(keep)
    with pytest.raises(StoreError):
        await kept[0].get("s", b"k")


async def test_concurrent_read_modify_write_is_exact(store: Store) -> None:
    async def increment(tx: Tx) -> None:
        current = await tx.get("counters", b"hits", for_update=True)
        await asyncio.sleep(0)
        await tx.put("counters", b"hits", str(int(current or b"0") + 1).encode())

    # Open several connections first (PostgreSQL), so the increments really overlap.
    await asyncio.gather(*(store.read(lambda tx: asyncio.sleep(0.05)) for _ in range(10)))
    await asyncio.gather(*(store.write(increment) for _ in range(50)))
    assert await store.get("counters", b"hits") == b"50"


async def test_concurrent_read_modify_write_of_existing_key(store: Store) -> None:
    await store.put("counters", b"hits", b"100")

    async def increment(tx: Tx) -> None:
        current = await tx.get("counters", b"hits", for_update=True)
        await asyncio.sleep(0)
        await tx.put("counters", b"hits", str(int(current or b"0") + 1).encode())

    await asyncio.gather(*(store.read(lambda tx: asyncio.sleep(0.05)) for _ in range(10)))
    await asyncio.gather(*(store.write(increment) for _ in range(50)))
    assert await store.get("counters", b"hits") == b"150"


async def test_closed_store_refuses_work(store: Store) -> None:
    await store.close()
    with pytest.raises(StoreError):
        await store.get("s", b"k")
    with pytest.raises(StoreError):
        await store.put("s", b"k", b"v")
