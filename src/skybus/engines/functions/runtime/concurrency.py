"""Concurrency as Lambda counts it: invocations in flight, per function and per account.

A function with reserved concurrency runs at most that many invocations at once, over all its
versions and aliases (0 disables it), and is throttled with
``ReservedFunctionConcurrentInvocationLimitExceeded`` past it. Every other function draws on the
account's unreserved pool in the region: the account limit (1,000) less what functions seen on
this node have reserved; past it, ``ConcurrentInvocationLimitExceeded``. Counts are per node:
nodes sharing a store each admit up to the limits.
"""

from __future__ import annotations

from skybus import limits
from skybus.engines.functions.runtime.spec import (
    ACCOUNT_LIMIT,
    RESERVED_LIMIT,
    FunctionSpec,
    Throttled,
)

_Function = tuple[str, str, str]
_Account = tuple[str, str]


class Concurrency:
    def __init__(self, account_limit: int = limits.LAMBDA_ACCOUNT_CONCURRENCY) -> None:
        self.account_limit = account_limit
        self._functions: dict[_Function, int] = {}
        self._unreserved: dict[_Account, int] = {}
        self._reserved: dict[_Account, dict[str, int]] = {}

    def enter(self, spec: FunctionSpec) -> None:
        """Count one invocation in, or raise :class:`Throttled`."""
        account = (spec.account, spec.region)
        function = (spec.account, spec.region, spec.name)
        reservations = self._reserved.setdefault(account, {})
        running = self._functions.get(function, 0)
        if spec.reserved_concurrency is not None:
            reservations[spec.name] = spec.reserved_concurrency
            if running >= spec.reserved_concurrency:
                raise Throttled(RESERVED_LIMIT)
        else:
            reservations.pop(spec.name, None)
            available = self.account_limit - sum(reservations.values())
            if self._unreserved.get(account, 0) >= available:
                raise Throttled(ACCOUNT_LIMIT)
            self._unreserved[account] = self._unreserved.get(account, 0) + 1
        self._functions[function] = running + 1

    def leave(self, spec: FunctionSpec) -> None:
        account = (spec.account, spec.region)
        function = (spec.account, spec.region, spec.name)
        left = self._functions.get(function, 0) - 1
        if left > 0:
            self._functions[function] = left
        else:
            self._functions.pop(function, None)
        if spec.reserved_concurrency is None:
            count = self._unreserved.get(account, 0) - 1
            if count > 0:
                self._unreserved[account] = count
            else:
                self._unreserved.pop(account, None)

    def running(self, account: str, region: str, name: str) -> int:
        return self._functions.get((account, region, name), 0)
