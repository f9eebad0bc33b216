"""IP addresses and CIDR blocks as filter policies read them.

AWS's rule engine recognises an address only by its shape (four dotted decimal parts, or hex
digits and colons), compares addresses as 4 or 16 bytes, and builds a `cidr` range from the
address exactly as written up to that address with every host bit set: `10.0.0.5/24` covers
10.0.0.5 to 10.0.0.255. Its messages for malformed blocks are kept verbatim; they carry no
parser position because AWS raises them outside its JSON parser.
"""

from __future__ import annotations

import ipaddress
import re

from skybus.engines.topics.filters.errors import FilterPolicyError

Address = tuple[int, int]
"""(length in bytes: 4 or 16, the address as an integer)."""

_IPV4 = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_IPV6 = re.compile(r"[0-9a-fA-F:]*:[0-9a-fA-F:]*")
_MASK = re.compile(r"[+-]?[0-9]+")
_INT_MAX = 2**31 - 1


def looks_like_address(text: str) -> bool:
    return _IPV4.fullmatch(text) is not None or _IPV6.fullmatch(text) is not None


def parse_address(text: str) -> Address | None:
    """The address `text` spells, or None if it is not an IPv4 or IPv6 literal."""
    if _IPV4.fullmatch(text):
        value = 0
        for part in text.split("."):
            octet = int(part)
            if octet > 255:
                return None
            value = value << 8 | octet
        return (4, value)
    if _IPV6.fullmatch(text):
        try:
            parsed = ipaddress.IPv6Address(text)
        except ValueError:
            return None
        mapped = parsed.ipv4_mapped
        if mapped is not None:
            return (4, int(mapped))
        return (16, int(parsed))
    return None


def _address_or_fail(text: str) -> Address:
    if not looks_like_address(text):
        raise FilterPolicyError(f"Nonstandard IP address: {text}")
    address = parse_address(text)
    if address is None:
        raise FilterPolicyError(f"Invalid IP address: {text}")
    return address


def _split_slash(text: str) -> list[str]:
    """`String.split("/")` as Java does it: trailing empty parts are dropped."""
    if not text:
        return [""]
    parts = text.split("/")
    while parts and not parts[-1]:
        parts.pop()
    return parts


def parse_cidr(text: str) -> tuple[int, int, int]:
    """(length, lowest, highest) of the block `text`, or FilterPolicyError as AWS words it."""
    parts = _split_slash(text)
    if len(parts) != 2:
        raise FilterPolicyError("Malformed CIDR, one '/' required")
    if not _MASK.fullmatch(parts[1]) or abs(int(parts[1])) > _INT_MAX:
        raise FilterPolicyError("Malformed CIDR, mask bits must be an integer")
    mask = int(parts[1])
    if mask < 0:
        raise FilterPolicyError("Malformed CIDR, mask bits must not be negative")
    length, value = _address_or_fail(parts[0])
    if length == 4 and mask > 31:
        raise FilterPolicyError("IPv4 mask bits must be < 32")
    if length == 16 and mask > 127:
        raise FilterPolicyError("IPv6 mask bits must be < 128")
    host_bits = length * 8 - mask
    return (length, value, value | ((1 << host_bits) - 1))
