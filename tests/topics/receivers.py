"""Real HTTP endpoints for topic tests, behaving like SNS receivers.

A :class:`Receiver` is an HTTP/1.1 server on a free port (a thread per connection). Like the
seed chat's nodes it confirms every SubscriptionConfirmation by GETting its SubscribeURL from
inside the request handler, and it checks the signature of every message it gets on its own:
the canonical string is built here (not with Skybus's code), the certificate is fetched from the
message's SigningCertURL, and ``cryptography`` verifies the signature. A script decides each
answer (status and delay) so tests can make an endpoint fail, stall or recover.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import ipaddress
import json
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

NOTIFICATION_SIGNED = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_SIGNED = (
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
)


def canonical(message: dict[str, Any]) -> bytes:
    names = NOTIFICATION_SIGNED if message["Type"] == "Notification" else CONFIRMATION_SIGNED
    text = ""
    for name in names:
        if message.get(name) is not None:
            text += name + "\n" + message[name] + "\n"
    return text.encode()


_CERTS: dict[str, rsa.RSAPublicKey] = {}


def signature_problem(message: dict[str, Any], *skybus: str) -> str | None:
    """Why ``message`` does not verify against the certificate served by one of the ``skybus``
    nodes (None: it does)."""
    url = message.get("SigningCertURL")
    if url is None or "Signature" not in message:
        return "unsigned"
    if urlsplit(url).netloc not in {urlsplit(node).netloc for node in skybus}:
        return f"certificate on a foreign host: {url}"
    if url not in _CERTS:
        with urllib.request.urlopen(url, timeout=5) as reply:
            key = x509.load_pem_x509_certificate(reply.read()).public_key()
        assert isinstance(key, rsa.RSAPublicKey)
        _CERTS[url] = key
    algorithm = hashes.SHA256() if message.get("SignatureVersion") == "2" else hashes.SHA1()
    try:
        _CERTS[url].verify(
            base64.b64decode(message["Signature"]),
            canonical(message),
            padding.PKCS1v15(),
            algorithm,
        )
    except InvalidSignature:
        return "bad signature"
    return None


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float
    status: int

    @property
    def json(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.body)
        return value

    @property
    def kind(self) -> str:
        return self.headers.get("x-amz-sns-message-type", "")


Script = Callable[[Received], tuple[int, float]]


@dataclass
class Receiver:
    skybus: str
    """The Skybus endpoint whose certificate signatures are checked against."""
    other_nodes: tuple[str, ...] = ()
    """More Skybus nodes of the deployment whose certificate URLs are trusted too."""
    confirm: bool = True
    script: Script | None = None
    raw: bool = False
    """Bodies are not JSON (raw delivery): skip the signature check."""
    received: list[Received] = field(default_factory=list)
    bad_signatures: list[str] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None
    tls: tuple[Path, Path] | None = None
    """Certificate and key files: serve HTTPS."""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _connections: list[socket.socket] = field(default_factory=list)

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with receiver._lock:
                    receiver._connections.append(self.connection)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                item = Received(
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                    time.monotonic(),
                    200,
                )
                status, delay = receiver.answer(item)
                item.status = status
                with receiver._lock:
                    receiver.received.append(item)
                if delay:
                    time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a sender that went away (a killed node) is no test failure

        server = Server(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        if self.tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            server.socket = context.wrap_socket(server.socket, server_side=True)
        self.port = server.server_port
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening and drop open connections, as an endpoint that went away does."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()

    def url(self, path: str = "/events") -> str:
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def answer(self, item: Received) -> tuple[int, float]:
        if not self.raw or item.kind != "Notification":
            problem = signature_problem(item.json, self.skybus, *self.other_nodes)
            if problem is not None:
                self.bad_signatures.append(f"{item.kind}: {problem}")
        if item.kind == "SubscriptionConfirmation" and self.confirm:
            with urllib.request.urlopen(item.json["SubscribeURL"], timeout=10) as reply:
                reply.read()
            return 200, 0.0
        if self.script is not None:
            return self.script(item)
        return 200, 0.0

    def of_kind(self, kind: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.kind == kind]

    def notifications(self) -> list[Received]:
        return self.of_kind("Notification")

    def wait_for(
        self, count: int, kind: str = "Notification", timeout: float = 10.0
    ) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.of_kind(kind)
            if len(found) >= count:
                return found
            time.sleep(0.01)
        found = self.of_kind(kind)
        raise AssertionError(f"expected {count} {kind} messages, got {len(found)}")


def answers(*steps: int | tuple[int, float]) -> Script:
    """A script answering notifications with these statuses in turn (then 200)."""
    queue = list(steps)
    lock = threading.Lock()

    def script(item: Received) -> tuple[int, float]:
        with lock:
            step = queue.pop(0) if queue else 200
        return step if isinstance(step, tuple) else (step, 0.0)

    return script


def write_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed server certificate for 127.0.0.1 and localhost: (certificate, key)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "endpoint.pem", folder / "endpoint.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file
