"""Who is calling, and which queue a QueueUrl names for them."""

from __future__ import annotations

from dataclasses import dataclass

from skybus.engines.queues import errors
from skybus.engines.queues.naming import QueueName, parse_url


@dataclass(frozen=True, slots=True)
class Caller:
    account: str
    region: str
    endpoint: str
    """Base URL the caller reached Skybus at; queue URLs are built on it."""


def locate(caller: Caller, url: str) -> QueueName:
    """The queue a QueueUrl names: its account and name segments, in the caller's region.

    Queues are private to their account (Skybus has no queue policies granting other accounts
    access), so another account's URL names no queue the caller can see.
    """
    parsed = parse_url(url)
    if parsed is None:
        raise errors.invalid_address(url)
    account, name = parsed
    if account != caller.account:
        raise errors.queue_does_not_exist()
    return QueueName(caller.region, account, name)
