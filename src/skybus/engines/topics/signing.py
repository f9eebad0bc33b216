"""The deployment's message signing key, its certificate, and signing.

SNS signs every HTTP/S message (and the envelopes it puts in queues) with RSA PKCS#1 v1.5 over
a canonical string: SHA1 for SignatureVersion 1, SHA256 for 2. Skybus generates one 2048-bit key
and a self-signed certificate the first time a node of the deployment starts, and keeps both in
the store, so every node sharing the store signs alike and a message retried after a restart
still verifies. The certificate is served at ``/_sns/SimpleNotificationService-<id>.pem`` on
Skybus's own address (see :func:`certificate_path`).

RSA signing costs about half a millisecond, so it runs in a thread (OpenSSL releases the GIL)
and each signature is computed once per message and variant and shared by all its deliveries.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import hashlib
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import orjson
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from skybus import limits
from skybus.store import Store, Tx

SPACE = "sns.signing"
_KEY = b"key"
CERTIFICATE_PREFIX = "/_sns/"


def certificate_path(cert_id: str) -> str:
    return f"{CERTIFICATE_PREFIX}SimpleNotificationService-{cert_id}.pem"


class Signer:
    def __init__(self) -> None:
        self._key: rsa.RSAPrivateKey | None = None
        self.cert_id = ""
        self.cert_pem = b""
        self._pool = ThreadPoolExecutor(
            max_workers=limits.SNS_SIGNING_THREADS, thread_name_prefix="sns-sign"
        )
        self._cache: OrderedDict[tuple[str, ...], asyncio.Future[str]] = OrderedDict()
        self.pending = 0
        """Signatures asked for and not yet computed."""

    async def load(self, store: Store, now: float) -> None:
        """Read the deployment's key, creating it if this is the first node ever to start."""
        found = await store.get(SPACE, _KEY)
        if found is None:
            candidate = await asyncio.get_running_loop().run_in_executor(self._pool, _generate, now)

            async def create(tx: Tx) -> bytes:
                await tx.insert(SPACE, _KEY, candidate)
                stored = await tx.get(SPACE, _KEY)
                assert stored is not None
                return stored

            found = await store.write(create)
        document = orjson.loads(found)
        key = serialization.load_pem_private_key(document["key"].encode(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        self._key = key
        self.cert_pem = document["certificate"].encode()
        self.cert_id = document["id"]

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def certificate_url(self, base_url: str) -> str:
        return base_url.rstrip("/") + certificate_path(self.cert_id)

    def sign_now(self, text: bytes, version: str) -> str:
        if self._key is None:
            raise RuntimeError("the signing key has not been loaded")
        algorithm = hashes.SHA256() if version == "2" else hashes.SHA1()
        raw = self._key.sign(text, padding.PKCS1v15(), algorithm)
        return base64.b64encode(raw).decode("ascii")

    def sign(self, cache_key: tuple[str, ...], text: bytes, version: str) -> asyncio.Future[str]:
        """The signature of ``text``, computed once per ``cache_key`` (message id, variant,
        version) in a thread; await the future."""
        found = self._cache.get(cache_key)
        if found is not None:
            self._cache.move_to_end(cache_key)
            return found
        loop = asyncio.get_running_loop()
        future = asyncio.ensure_future(
            loop.run_in_executor(self._pool, self.sign_now, text, version)
        )
        self.pending += 1
        future.add_done_callback(self._done)
        self._cache[cache_key] = future
        while len(self._cache) > limits.SNS_SIGNATURE_CACHE_SIZE:
            self._cache.popitem(last=False)
        return future

    def _done(self, _: asyncio.Future[str]) -> None:
        self.pending -= 1

    @property
    def busy(self) -> bool:
        """Whether signing is behind: then signing ahead of deliveries would only push the
        signatures deliveries wait for further back."""
        return self.pending >= limits.SNS_PRESIGN_MAX_PENDING


def _generate(now: float) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=limits.SNS_SIGNING_KEY_BITS)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Skybus"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Skybus Simple Notification Service"),
        ]
    )
    start = datetime.datetime.fromtimestamp(now, datetime.UTC) - datetime.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=limits.SNS_CERTIFICATE_DAYS))
        .sign(key, hashes.SHA256())
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return orjson.dumps(
        {
            "id": hashlib.sha256(public).hexdigest()[:32],
            "key": key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ).decode(),
            "certificate": certificate.public_bytes(serialization.Encoding.PEM).decode(),
        }
    )
