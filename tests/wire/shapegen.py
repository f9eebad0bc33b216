"""Sample values for botocore shapes, for round-trip tests over whole service models.

``sample(shape, seed)`` builds a value that a boto3 user could pass (inputs) or that a service
could return (outputs): enums, lengths and ranges of the model are respected, every member of a
structure is filled (one member of a union), recursion stops at a fixed depth.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from botocore.model import Shape

MAX_DEPTH = 5


def sample(shape: Shape, seed: int = 0, *, fill_all: bool = True) -> Any:
    return _Sampler(random.Random(seed), fill_all).value(shape, 0, [])


class _Sampler:
    def __init__(self, rng: random.Random, fill_all: bool) -> None:
        self.rng = rng
        self.fill_all = fill_all

    def value(self, shape: Shape, depth: int, stack: list[str]) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, depth, stack)
        if kind == "list":
            if depth >= MAX_DEPTH or shape.member.name in stack:
                return []
            count = max(1, int(shape.metadata.get("min", 1) or 1))
            count = min(count, 2)
            return [self.value(shape.member, depth + 1, stack) for _ in range(count)]
        if kind == "map":
            if depth >= MAX_DEPTH:
                return {}
            return {
                self.string(shape.key, salt=i): self.value(shape.value, depth + 1, stack)
                for i in range(2)
            }
        if kind == "string":
            return self.string(shape)
        if kind in ("integer", "long"):
            low = int(shape.metadata.get("min", 0))
            high = int(shape.metadata.get("max", low + 1000))
            return self.rng.randint(low, max(low, min(high, low + 1000)))
        if kind in ("float", "double"):
            return float(self.rng.randint(0, 1000)) + 0.5
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "blob":
            if shape.serialization.get("streaming") or shape.metadata.get("streaming"):
                return b"streamed-bytes"
            return bytes(self.rng.randrange(256) for _ in range(8))
        if kind == "timestamp":
            seconds = self.rng.randint(1_500_000_000, 1_900_000_000)
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        raise AssertionError(f"no sample for shape type {kind}")

    def structure(self, shape: Shape, depth: int, stack: list[str]) -> dict[str, Any]:
        if shape.metadata.get("document"):
            return {"key": "value", "n": 1, "list": [True, None]}
        members = dict(shape.members)
        if not members:
            return {}
        if shape.metadata.get("union"):
            name = sorted(members)[self.rng.randrange(len(members))]
            members = {name: members[name]}
        out: dict[str, Any] = {}
        required = set(shape.required_members)
        for name, member in members.items():
            if member.serialization.get("eventstream") or member.metadata.get("eventstream"):
                continue
            recursive = member.name in stack
            if recursive or (depth >= MAX_DEPTH and name not in required):
                continue
            if not self.fill_all and name not in required and self.rng.random() < 0.5:
                continue
            out[name] = self.value(member, depth + 1, [*stack, shape.name])
        return out

    def string(self, shape: Shape, salt: int = 0) -> str:
        enum = shape.enum
        if enum:
            return str(enum[(self.rng.randrange(len(enum)) + salt) % len(enum)])
        if shape.serialization.get("jsonvalue"):
            return '{"a": 1}'
        low = int(shape.metadata.get("min", 1) or 1)
        high = int(shape.metadata.get("max", 16))
        length = max(low, min(high, 6 + salt))
        alphabet = "abcdefghijklmnopqrstuvwxyz"
        return "".join(self.rng.choice(alphabet) for _ in range(length))
