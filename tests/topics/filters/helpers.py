"""Shared helpers for filter policy tests: compile from Python values, publish-shaped inputs."""

from __future__ import annotations

import json

import pytest

from skybus.engines.topics.filters import FilterPolicy, FilterPolicyError, compile_policy


def policy(document: object, scope: str = "MessageAttributes") -> FilterPolicy:
    """Compile a policy given as a Python value, written as boto3 users write it (json.dumps,
    with its spaces: AWS's messages quote the compact form regardless)."""
    return compile_policy(json.dumps(document), scope)


def refusal(document: object, scope: str = "MessageAttributes") -> FilterPolicyError:
    text = document if isinstance(document, str) else json.dumps(document)
    with pytest.raises(FilterPolicyError) as caught:
        compile_policy(text, scope)
    return caught.value


def s(value: str) -> dict[str, object]:
    return {"DataType": "String", "StringValue": value}


def n(value: str) -> dict[str, object]:
    return {"DataType": "Number", "StringValue": value}


def arr(*values: object) -> dict[str, object]:
    return {"DataType": "String.Array", "StringValue": json.dumps(list(values))}


def b(value: bytes) -> dict[str, object]:
    return {"DataType": "Binary", "BinaryValue": value}
