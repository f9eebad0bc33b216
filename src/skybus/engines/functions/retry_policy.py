"""What happens after one attempt of an async invocation: done, retried later, or failed.

Lambda's rules: a function error (an error object, a timeout, a crashed runtime) is retried up
to ``MaximumRetryAttempts`` times (default 2), about a minute before the second attempt and two
before the third; throttles and Lambda's own errors are retried with an exponential backoff from
1 second up to 5 minutes for as long as the event is younger than ``MaximumEventAgeInSeconds``
(default 6 hours). Every delay is multiplied by ``scale`` (1 in production; tests shrink it).
"""

from __future__ import annotations

from dataclasses import dataclass

from skybus import limits
from skybus.engines.functions.records import EVENT_AGE_EXCEEDED, RETRIES_EXHAUSTED, SUCCESS

DONE = "done"
RETRY = "retry"
FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Decision:
    action: str
    delay: float = 0.0
    condition: str = SUCCESS


@dataclass(frozen=True, slots=True)
class Limits:
    max_retries: int = limits.LAMBDA_ASYNC_RETRIES
    max_age: float = limits.LAMBDA_MAX_EVENT_AGE_SECONDS


def after_function_error(function_errors: int, age: float, rules: Limits, scale: float) -> Decision:
    """``function_errors`` counts this one too."""
    if function_errors > rules.max_retries:
        return Decision(FAIL, condition=RETRIES_EXHAUSTED)
    delays = limits.LAMBDA_ASYNC_RETRY_DELAYS_SECONDS
    delay = delays[min(function_errors, len(delays)) - 1] * scale
    if age + delay > rules.max_age * _age_scale(scale):
        return Decision(FAIL, condition=EVENT_AGE_EXCEEDED)
    return Decision(RETRY, delay=delay, condition=RETRIES_EXHAUSTED)


def after_throttle(backoffs: int, age: float, rules: Limits, scale: float) -> Decision:
    """``backoffs`` counts this throttle (or system error) too."""
    delay = min(
        limits.LAMBDA_ASYNC_BACKOFF_MIN_SECONDS * 2 ** max(backoffs - 1, 0),
        limits.LAMBDA_ASYNC_BACKOFF_MAX_SECONDS,
    )
    delay *= scale
    if age + delay > rules.max_age * _age_scale(scale):
        return Decision(FAIL, condition=EVENT_AGE_EXCEEDED)
    return Decision(RETRY, delay=delay, condition=EVENT_AGE_EXCEEDED)


def too_old(age: float, rules: Limits, scale: float) -> bool:
    return age > rules.max_age * _age_scale(scale)


def _age_scale(scale: float) -> float:
    # The event age limit shrinks with the retry delays, so that tests of it stay short too.
    return scale
