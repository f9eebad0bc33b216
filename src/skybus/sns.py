"""Checking the signature of an SNS message that Skybus delivered, for receivers.

Skybus signs the messages it POSTs to HTTP/S endpoints (and the envelopes it puts in queues, and
the events it gives functions) exactly as SNS does, but with its own key, whose certificate it
serves itself: the ``SigningCertURL`` of a message points at the Skybus node that sent it. The
usual SNS validators refuse any certificate outside ``sns.<region>.amazonaws.com``, so a
receiver running against Skybus checks messages with :func:`verify` instead::

    import json
    from skybus.sns import verify

    def handle(body: bytes) -> None:
        message = json.loads(body)
        if not verify(message, trusted=["skybus.internal:4566"]):
            raise PermissionError("not a message from our Skybus")
        if message["Type"] == "SubscriptionConfirmation":
            urllib.request.urlopen(message["SubscribeURL"])   # confirm the subscription
        elif message["Type"] == "Notification":
            print(message["Message"])

``trusted`` names the Skybus nodes (``host:port``, or their base URLs) whose certificates the
receiver accepts; without it, the host of ``AWS_ENDPOINT_URL_SNS`` or ``AWS_ENDPOINT_URL`` (the
Skybus the application already talks to) is trusted. A certificate URL on any other host is
refused with :class:`VerificationError` before anything is fetched, so a forged message cannot
name a certificate of its own. Certificates are fetched once per URL and kept.

The same function checks a record's ``Sns`` member of a Lambda event and the JSON body of a
queue message from a topic subscription.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

__all__ = ["VerificationError", "string_to_sign", "verify"]

_NOTIFICATION = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
_CONFIRMATION = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
_CERT_PATH = re.compile(r"/(?:[^?#]*/)?SimpleNotificationService-[0-9A-Za-z]+\.pem")
_certificates: dict[str, rsa.RSAPublicKey] = {}


class VerificationError(ValueError):
    """The message cannot be checked: its certificate URL is not on a trusted host, or the
    certificate cannot be fetched or read."""


def string_to_sign(message: Mapping[str, Any]) -> bytes:
    """The text SNS signs for ``message``: ``name\\nvalue\\n`` for each signed field present."""
    names = _NOTIFICATION if message.get("Type") == "Notification" else _CONFIRMATION
    return "".join(
        f"{name}\n{message[name]}\n" for name in names if message.get(name) is not None
    ).encode("utf-8")


def verify(
    message: Mapping[str, Any],
    *,
    trusted: Iterable[str] | None = None,
    timeout: float = 5.0,
) -> bool:
    """True when ``message`` carries a valid signature by the certificate at its
    SigningCertURL, which must be on a trusted host; False when the signature is missing or
    does not match. Raises :class:`VerificationError` for an untrusted or unreadable
    certificate."""
    signature_text = message.get("Signature")
    cert_url = message.get("SigningCertURL") or message.get("SigningCertUrl")
    if not isinstance(signature_text, str) or not isinstance(cert_url, str):
        return False
    key = _certificate(cert_url, _trusted_hosts(trusted), timeout)
    try:
        signature = base64.b64decode(signature_text, validate=True)
    except (binascii.Error, ValueError):
        return False
    text = string_to_sign(message)
    version = str(message.get("SignatureVersion") or "1")
    algorithms: list[hashes.HashAlgorithm] = [hashes.SHA256() if version == "2" else hashes.SHA1()]
    if "SigningCertUrl" in message and version == "1":
        # Function events say version 1 even when the topic signs with SHA256.
        algorithms.append(hashes.SHA256())
    for algorithm in algorithms:
        try:
            key.verify(signature, text, padding.PKCS1v15(), algorithm)
        except InvalidSignature:
            continue
        return True
    return False


def _trusted_hosts(trusted: Iterable[str] | None) -> set[str]:
    if trusted is None:
        named = os.environ.get("AWS_ENDPOINT_URL_SNS") or os.environ.get("AWS_ENDPOINT_URL")
        if not named:
            raise VerificationError(
                "name the Skybus nodes whose certificates you trust (trusted=[...]) or set "
                "AWS_ENDPOINT_URL"
            )
        trusted = [named]
    return {_host(entry) for entry in trusted}


def _host(entry: str) -> str:
    if "://" not in entry:
        entry = f"http://{entry}"
    parts = urlsplit(entry)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{host}:{port}"


def _certificate(url: str, hosts: set[str], timeout: float) -> rsa.RSAPublicKey:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or _host(url) not in hosts:
        raise VerificationError(f"the certificate URL {url} is not on a trusted Skybus node")
    if _CERT_PATH.fullmatch(parts.path) is None or parts.query:
        raise VerificationError(f"{url} is not an SNS signing certificate URL")
    found = _certificates.get(url)
    if found is not None:
        return found
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            pem = reply.read()
        key = x509.load_pem_x509_certificate(pem).public_key()
    except (OSError, ValueError) as exc:
        raise VerificationError(f"cannot read the certificate at {url}: {exc}") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise VerificationError(f"the certificate at {url} does not hold an RSA key")
    if len(_certificates) > 64:
        _certificates.clear()
    _certificates[url] = key
    return key
