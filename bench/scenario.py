"""What a scenario is, and the registry that finds one by name.

A scenario is a list of operations, each one prepared request whose bytes are sent unchanged to
every system, plus setup requests sent once to each freshly started system before any timing
(creating the queue or table the operations use). Each scenario lives in its own module under
``bench/scenarios/``, named after the scenario, exposing ``build(signer) -> Scenario``; adding
a scenario is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from bench import scenarios
from bench.signing import SIGNATURE_LIFETIME_S, Signer

# Sign again this long before a signature would lapse, to absorb clock differences.
_SAFETY_MARGIN_S = 60.0


@dataclass(frozen=True, slots=True)
class Operation:
    """One timed operation: a name for the table and the exact request bytes."""

    name: str
    request: bytes


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    description: str
    operations: tuple[Operation, ...]
    setup: tuple[bytes, ...] = ()
    signed_at: float = field(default_factory=time.monotonic)

    def expires_within(self, seconds: float) -> bool:
        """Whether its signatures could lapse before ``seconds`` from now have passed."""
        age = time.monotonic() - self.signed_at
        return age + seconds > SIGNATURE_LIFETIME_S - _SAFETY_MARGIN_S


Builder = Callable[[Signer], Scenario]


def scenario_names() -> list[str]:
    """Every scenario module under ``bench/scenarios/``, sorted."""
    return sorted(info.name for info in pkgutil.iter_modules(scenarios.__path__))


def builder(name: str) -> Builder:
    """The ``build`` function of scenario ``name``; ``KeyError`` for an unknown name."""
    if name not in scenario_names():
        raise KeyError(name)
    module = importlib.import_module(f"{scenarios.__name__}.{name}")
    return cast(Builder, module.build)
