"""Subscription confirmation tokens.

A token is a long hex string (as AWS's are) that names the subscription it confirms and carries a
random secret; the subscription record keeps the secrets it handed out and when each expires.
So a token needs no table of its own, and one that names a subscription but carries a secret it
does not know is refused like an unknown token.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from skybus import limits
from skybus.engines.topics import arns
from skybus.engines.topics.records import Grant

_SEPARATOR = "|"


@dataclass(frozen=True, slots=True)
class Token:
    subscription: arns.SubscriptionName
    nonce: str

    @property
    def text(self) -> str:
        return f"{self.subscription.key}{_SEPARATOR}{self.nonce}".encode().hex()


def issue(subscription: arns.SubscriptionName, now: float) -> tuple[Token, Grant]:
    nonce = secrets.token_hex(32)
    expires = now + limits.SNS_CONFIRMATION_TOKEN_TTL_SECONDS
    return Token(subscription, nonce), Grant(nonce, expires)


def parse(text: str) -> Token | None:
    """The token's parts, or None for a string that is not a Skybus token at all."""
    try:
        raw = bytes.fromhex(text).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    key, separator, nonce = raw.rpartition(_SEPARATOR)
    if not separator or len(nonce) != 64 or key.count("/") != 3:
        return None
    try:
        return Token(arns.subscription_from_key(key), nonce)
    except ValueError:
        return None


def keep(grants: list[Grant], grant: Grant, now: float) -> list[Grant]:
    """The grants to store after issuing ``grant``: unexpired ones, the newest few."""
    alive = [g for g in grants if g.expires > now]
    alive.append(grant)
    return alive[-limits.SNS_MAX_LIVE_TOKENS :]


def accepts(grants: list[Grant], nonce: str, now: float) -> bool:
    return any(secrets.compare_digest(g.nonce, nonce) and g.expires > now for g in grants)
