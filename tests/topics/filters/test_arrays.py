"""Array consistency: picks from the same array must agree on the element."""

from __future__ import annotations

import itertools
import json
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from skybus.engines.topics.filters.arrays import consistent
from skybus.engines.topics.filters.documents import Trail
from tests.topics.filters.helpers import policy


def brute_force(choices: list[set[Trail]]) -> bool:
    for pick in itertools.product(*choices):
        chosen: dict[int, int] = {}
        if all(chosen.setdefault(a, i) == i for trail in pick for a, i in trail):
            return True
    return False


trails = st.lists(
    st.tuples(st.integers(1, 3), st.integers(0, 2)), max_size=3, unique_by=lambda p: p[0]
).map(tuple)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sets(trails, min_size=1, max_size=4), max_size=4))
def test_join_agrees_with_exhaustive_search(choices: list[set[Trail]]) -> None:
    assert consistent(choices) == brute_force(choices)


def test_examples() -> None:
    assert consistent([])
    assert consistent([{((1, 0),)}, {((1, 0),)}])
    assert not consistent([{((1, 0),)}, {((1, 1),)}])
    assert consistent([{((1, 0),), ((1, 1),)}, {((1, 1),)}])
    assert consistent([{((1, 0),)}, {((2, 5),)}])  # different arrays
    assert consistent([{((1, 0), (2, 1))}, {((1, 0), (3, 0))}])  # nested: same outer element
    assert not consistent([{((1, 0), (2, 1))}, {((1, 1), (3, 0))}])


def test_large_arrays_that_never_align_are_fast() -> None:
    records = [{"x": "1"}] * 5000 + [{"y": "2"}] * 5000
    rule = policy({"r": {"x": ["1"], "y": ["2"]}}, "MessageBody")
    body = json.dumps({"r": records})
    started = time.perf_counter()
    assert not rule.matches_body(body)
    assert rule.matches_body(json.dumps({"r": [*records, {"x": "1", "y": "2"}]}))
    assert time.perf_counter() - started < 2.0
