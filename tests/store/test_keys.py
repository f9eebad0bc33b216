"""Scan bounds folded into one range, and the upper bound of a prefix."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skybus.store.keys import KeyRange, key_range, prefix_end


@pytest.mark.parametrize(
    ("prefix", "end"),
    [
        (b"a", b"b"),
        (b"ab", b"ac"),
        (b"a\xff", b"b"),
        (b"a\xff\xff", b"b"),
        (b"\x00", b"\x01"),
        (b"\xfe", b"\xff"),
        (b"\xff", None),
        (b"\xff\xff", None),
        (b"", None),
    ],
)
def test_prefix_end(prefix: bytes, end: bytes | None) -> None:
    assert prefix_end(prefix) == end


@given(prefix=st.binary(max_size=4), key=st.binary(max_size=6))
def test_prefix_end_bounds_exactly_the_prefixed_keys(prefix: bytes, key: bytes) -> None:
    end = prefix_end(prefix)
    inside = key >= prefix and (end is None or key < end)
    assert inside == key.startswith(prefix)


def test_tightest_bounds_win() -> None:
    rng = key_range(start=b"b", end=b"y", prefix=b"c", after=None, reverse=False)
    assert rng == KeyRange(b"c", True, b"d")
    rng = key_range(start=b"c", end=None, prefix=None, after=b"c", reverse=False)
    assert rng == KeyRange(b"c", False, None)
    rng = key_range(start=None, end=b"z", prefix=None, after=b"m", reverse=True)
    assert rng == KeyRange(None, True, b"m")
    assert key_range(start=b"z", end=b"a", prefix=None, after=None, reverse=False).empty


def test_keys_must_be_bytes() -> None:
    with pytest.raises(TypeError):
        key_range(start="a", end=None, prefix=None, after=None, reverse=False)  # type: ignore[arg-type]
