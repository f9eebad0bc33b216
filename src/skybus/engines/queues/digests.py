"""The digests SQS puts in its answers, computed exactly as SQS computes them.

SDKs that check them (the Java and .NET SDKs do on every send and receive) reject an answer whose
digest differs, so these are byte-for-byte AWS's algorithm:

* ``MD5OfMessageBody`` / ``MD5OfBody``: MD5 of the body's UTF-8 bytes;
* ``MD5OfMessageAttributes`` / ``MD5OfMessageSystemAttributes``: MD5 over the attributes sorted
  by name, each as its name, its data type and its value, every one of them preceded by its length
  as a 4-byte big-endian integer, with one byte between type and value saying how the value
  travels (1 for ``StringValue``, 2 for ``BinaryValue``).

Content-based deduplication ids are the SHA-256 of the body, in hex.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

STRING_TRANSPORT = 1
BINARY_TRANSPORT = 2


def body_md5(body: str) -> str:
    return hashlib.md5(body.encode("utf-8"), usedforsecurity=False).hexdigest()


def attributes_md5(attributes: Mapping[str, Mapping[str, Any]]) -> str:
    """The digest of message (or system) attributes shaped as in the API:
    ``{name: {"DataType": ..., "StringValue": ... | "BinaryValue": bytes}}``."""
    out = bytearray()
    for name in sorted(attributes):
        value = attributes[name]
        data_type: str = value["DataType"]
        _field(out, name.encode("utf-8"))
        _field(out, data_type.encode("utf-8"))
        binary = value.get("BinaryValue")
        if binary is not None and "StringValue" not in value:
            out.append(BINARY_TRANSPORT)
            _field(out, bytes(binary))
        else:
            out.append(STRING_TRANSPORT)
            _field(out, str(value.get("StringValue", "")).encode("utf-8"))
    return hashlib.md5(out, usedforsecurity=False).hexdigest()


def content_deduplication_id(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _field(out: bytearray, data: bytes) -> None:
    out += len(data).to_bytes(4, "big")
    out += data
