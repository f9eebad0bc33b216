"""Who is calling the topics engine, and the pagination tokens its list operations hand out."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from skybus.engines.topics import errors


@dataclass(frozen=True, slots=True)
class Caller:
    account: str
    region: str
    endpoint: str
    """Base URL the caller reached Skybus at: SubscribeURL, UnsubscribeURL and SigningCertURL of
    the messages this call causes are built on it."""
    authenticated: bool = True
    """False for unsigned requests, such as an endpoint visiting an UnsubscribeURL."""


def page_token(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


def page_after(token: str | None, prefix: str) -> bytes | None:
    """The store key a NextToken continues after; it must lie in the caller's own range."""
    if not token:
        return None
    try:
        key = base64.urlsafe_b64decode(token.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise errors.invalid("NextToken") from None
    if not key.startswith(prefix.encode()):
        raise errors.invalid("NextToken")
    return key
