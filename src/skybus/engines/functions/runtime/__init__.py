"""Warm worker processes that run Lambda handlers, and the Lambda Runtime API they talk to.

``node.engine(FunctionRuntime)`` runs invocations: :meth:`FunctionRuntime.invoke` takes a
:class:`FunctionSpec` and a payload and returns an :class:`InvocationResult`. Each worker is a
Python process running AWS's own runtime client (awslambdaric) against a Runtime API that
Skybus serves to that worker alone on 127.0.0.1, so handler resolution, the context object,
error objects and result serialisation are exactly Lambda's.
"""

from __future__ import annotations

from skybus.engines.functions.runtime.code import check as check_zip
from skybus.engines.functions.runtime.engine import FunctionRuntime
from skybus.engines.functions.runtime.spec import (
    ACCOUNT_LIMIT,
    RESERVED_LIMIT,
    CodeError,
    CodeSource,
    FunctionSpec,
    InvocationResult,
    Throttled,
)

__all__ = [
    "ACCOUNT_LIMIT",
    "RESERVED_LIMIT",
    "CodeError",
    "CodeSource",
    "FunctionRuntime",
    "FunctionSpec",
    "InvocationResult",
    "Throttled",
    "check_zip",
]
