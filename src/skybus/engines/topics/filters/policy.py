"""Compile a FilterPolicy with SNS's validation, and match messages against it.

Validation runs in AWS's order: the text must be JSON ("failed to parse JSON."), then the rule
compiler's checks with their parser positions, then SNS's own limits, which carry no position:
a nested policy under the MessageAttributes scope, more than five keys in one branch, and more
than 150 combinations. Combinations are counted as AWS does (its documented examples and the
recorded answers agree): for each branch (an `$or` alternative), multiply over its keys the number
of values by the key's nesting depth, then add up the branches. So `{"a": {"b": [1, 2]}}` counts
2 x 2 = 4, and the documented `{"key_a": {"key_b": {"key_c": [4 values]}}, "key_d": {"key_e":
[3 values]}}` counts (3 x 4) x (2 x 3) = 72.

Keys are counted per branch by their leaves: a key whose value is an object is not a key itself,
as AWS's constraints page explains. The 256 KB size limit is AWS's; the wording of its refusal
is not recorded, so the text here is Skybus's.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence

from skybus import limits
from skybus.engines.topics.filters.arrays import consistent
from skybus.engines.topics.filters.canonical import NotCanonical, canonicalize
from skybus.engines.topics.filters.compiler import TOO_COMPLEX, Branch, compile_branches
from skybus.engines.topics.filters.cursor import Cursor
from skybus.engines.topics.filters.documents import (
    Trail,
    attribute_values,
    body_leaves,
    parse_json,
)
from skybus.engines.topics.filters.errors import FilterPolicyError
from skybus.engines.topics.filters.keytest import KeyTest

MESSAGE_ATTRIBUTES = "MessageAttributes"
MESSAGE_BODY = "MessageBody"
SCOPES = (MESSAGE_ATTRIBUTES, MESSAGE_BODY)

CompiledBranch = tuple[tuple[str, KeyTest], ...]


def compile_policy(text: str, scope: str = MESSAGE_ATTRIBUTES) -> FilterPolicy:
    """Validate `text` as a FilterPolicy for `scope` and compile it; FilterPolicyError if AWS
    would refuse it. `scope` must be "MessageAttributes" or "MessageBody" (ValueError if not:
    the caller validates FilterPolicyScope with its own message)."""
    if scope not in SCOPES:
        raise ValueError(f"unknown filter policy scope {scope!r}")
    if len(text.encode("utf-8", "surrogatepass")) > limits.SNS_FILTER_POLICY_MAX_BYTES:
        raise FilterPolicyError("Filter policy is too large")
    try:
        document = json.loads(text, parse_constant=_refuse)
        canonical, tokens = canonicalize(document)
    except (ValueError, RecursionError, NotCanonical):
        raise FilterPolicyError("failed to parse JSON.") from None
    branches = compile_branches(Cursor(canonical, tokens))
    _check_limits(branches, scope)
    return FilterPolicy(scope, branches)


def _refuse(name: str) -> object:
    raise ValueError(name)


def combinations(branches: Sequence[Branch]) -> int:
    """AWS's complexity: over branches, the sum of products of depth x number of values."""
    return sum(
        math.prod(len(path) * len(values) for path, values in branch.items()) for branch in branches
    )


def _check_limits(branches: Sequence[Branch], scope: str) -> None:
    if scope == MESSAGE_ATTRIBUTES and any(len(p) > 1 for b in branches for p in b):
        raise FilterPolicyError(
            "Filter policy scope MessageAttributes does not support nested filter policy",
            labelled=False,
        )
    if any(len(branch) > limits.SNS_FILTER_POLICY_MAX_KEYS for branch in branches):
        raise FilterPolicyError(
            f"Filter policy can not have more than {limits.SNS_FILTER_POLICY_MAX_KEYS} keys"
        )
    if combinations(branches) > limits.SNS_FILTER_POLICY_MAX_COMBINATIONS:
        raise FilterPolicyError(TOO_COMPLEX)


class FilterPolicy:
    """A compiled policy. Matching never raises: what it cannot read does not match."""

    __slots__ = ("_branches", "_prefixes", "_wanted", "scope")

    def __init__(self, scope: str, branches: Sequence[Branch]) -> None:
        self.scope = scope
        self._branches: tuple[CompiledBranch, ...] = tuple(
            tuple((".".join(path), KeyTest(values)) for path, values in branch.items())
            for branch in branches
        )
        wanted = {name for branch in self._branches for name, _ in branch}
        prefixes = set(wanted)
        for name in wanted:
            parts = name.split(".")
            prefixes.update(".".join(parts[:end]) for end in range(1, len(parts)))
        self._wanted = frozenset(wanted)
        self._prefixes = frozenset(prefixes)

    def matches(self, attributes: Mapping[str, Mapping[str, object]], body: str) -> bool:
        """Match a published message by this policy's scope."""
        if self.scope == MESSAGE_BODY:
            return self.matches_body(body)
        return self.matches_attributes(attributes)

    def matches_attributes(self, attributes: Mapping[str, Mapping[str, object]]) -> bool:
        """Match SNS MessageAttributes: {"name": {"DataType": ..., "StringValue": ...}}.

        A message without attributes matches no policy, not even `exists: false` (documented).
        """
        if not attributes:
            return False
        for branch in self._branches:
            for name, test in branch:
                found = attribute_values(attributes.get(name))
                if found is None:
                    if not test.absent_ok:
                        break
                    continue
                values, is_array = found
                if not (test.admits_array(values) if is_array else test.admits(values[0])):
                    break
            else:
                return True
        return False

    def matches_body(self, body: str) -> bool:
        """Match a message body; one that is not a JSON object matches nothing."""
        return self.matches_document(parse_json(body))

    def matches_document(self, document: object) -> bool:
        """Match an already parsed body (parse once, match many subscriptions)."""
        if not isinstance(document, dict):
            return False
        leaves = body_leaves(document, self._prefixes, self._wanted)
        for branch in self._branches:
            choices: list[set[Trail]] = []
            for name, test in branch:
                found = leaves.get(name)
                if not found:
                    if not test.absent_ok:
                        break
                    continue
                trails = {trail for value, trail in found if test.admits(value)}
                if not trails:
                    break
                if () not in trails:
                    choices.append(trails)
            else:
                if consistent(choices):
                    return True
        return False
