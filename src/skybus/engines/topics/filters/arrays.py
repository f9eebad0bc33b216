"""Array consistency: keys matched inside one array must have matched in the same element.

For `{"Records": {"eventName": ["created"], "key": [{"prefix": "auto-"}]}}`, a body whose first
record was created and whose second has an `auto-` key does not match: AWS's rule engine checks
that matches found in the same array come from the same element. Each key offers the trails
(array, index) of the values it matched; this finds whether one trail per key agrees.

It is a join, not a search: partial choices are indexed by the array positions they share with
the next key, and forgotten down to the arrays later keys still mention, so a body with
thousands of elements costs time in proportion to its size, not to the product of its matches.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from skybus.engines.topics.filters.documents import Trail

Assignment = tuple[tuple[int, int], ...]


def _by_domain(items: Collection[Trail]) -> dict[frozenset[int], list[dict[int, int]]]:
    groups: dict[frozenset[int], list[dict[int, int]]] = {}
    for item in items:
        positions = dict(item)
        groups.setdefault(frozenset(positions), []).append(positions)
    return groups


def consistent(choices: Sequence[Collection[Trail]]) -> bool:
    """Whether a trail can be picked from each collection so that all picks agree."""
    if len(choices) < 2:
        return all(choices)
    later: list[frozenset[int]] = []
    seen: set[int] = set()
    for trails in reversed(choices):
        later.append(frozenset(seen))
        for trail in trails:
            seen.update(array for array, _ in trail)
    later.reverse()
    partials: set[Assignment] = {()}
    for trails, keep in zip(choices, later, strict=True):
        extended: set[Assignment] = set()
        wanted = _by_domain(trails)
        for partial_domain, partial_group in _by_domain(partials).items():
            for trail_domain, trail_group in wanted.items():
                shared = sorted(partial_domain & trail_domain)
                index: dict[tuple[int, ...], list[dict[int, int]]] = {}
                for positions in trail_group:
                    index.setdefault(tuple(positions[a] for a in shared), []).append(positions)
                for partial in partial_group:
                    for positions in index.get(tuple(partial[a] for a in shared), ()):
                        merged = partial | positions
                        extended.add(tuple(sorted(p for p in merged.items() if p[0] in keep)))
        if not extended:
            return False
        partials = extended
    return True
