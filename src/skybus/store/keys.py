"""Key ranges for scans, computed once in Python so every backend asks its index the same way.

Keys compare as unsigned bytes (SQLite BLOB and PostgreSQL ``bytea`` both compare with memcmp,
then the shorter key first), which is also how Python orders ``bytes``. A scan's bounds (start,
end, prefix, pagination cursor) are folded into at most one lower and one upper bound, so the
backend's B-tree serves the range directly.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass


def prefix_end(prefix: bytes) -> bytes | None:
    """The smallest key greater than every key that starts with ``prefix``.

    Trailing 0xff bytes cannot be incremented, so they are dropped first; a prefix of only 0xff
    bytes (or an empty one) has no upper bound, which is ``None``.
    """
    stripped = prefix.rstrip(b"\xff")
    if not stripped:
        return None
    return stripped[:-1] + bytes((stripped[-1] + 1,))


@dataclass(frozen=True, slots=True)
class KeyRange:
    """Keys in (``lower``, or [``lower`` when ``lower_inclusive``) .. ``upper``) (exclusive)."""

    lower: bytes | None
    lower_inclusive: bool
    upper: bytes | None

    @property
    def empty(self) -> bool:
        return self.lower is not None and self.upper is not None and self.lower >= self.upper


def key_range(
    *,
    start: bytes | None,
    end: bytes | None,
    prefix: bytes | None,
    after: bytes | None,
    reverse: bool,
) -> KeyRange:
    """Fold the scan arguments into the tightest single range."""
    lows: list[tuple[bytes, bool]] = []
    highs: list[bytes] = []
    if start is not None:
        lows.append((check_key(start), True))
    if end is not None:
        highs.append(check_key(end))
    if prefix is not None:
        lows.append((check_key(prefix), True))
        limit = prefix_end(prefix)
        if limit is not None:
            highs.append(limit)
    if after is not None:
        if reverse:
            highs.append(check_key(after))
        else:
            lows.append((check_key(after), False))
    lower: bytes | None = None
    inclusive = True
    if lows:
        # The largest bound wins; on a tie the exclusive one is the tighter.
        lower, inclusive = max(lows, key=lambda bound: (bound[0], not bound[1]))
    return KeyRange(lower, inclusive, min(highs) if highs else None)


def check_key(key: object) -> bytes:
    """Keys must be ``bytes``: a ``str`` key would compare differently on each backend."""
    if type(key) is not bytes:
        raise TypeError(f"store keys must be bytes, not {type(key).__name__}")
    return key


def check_limit(limit: int | None) -> None:
    if limit is not None and limit < 0:
        raise ValueError("limit must not be negative")


def new_job_id() -> str:
    return uuid.uuid4().hex


def new_token() -> str:
    return secrets.token_urlsafe(16)
