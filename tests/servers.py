"""Real Skybus servers for tests: ``skybus serve`` as a subprocess on a free port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class RunningServer:
    process: subprocess.Popen[str]
    endpoint: str
    data_dir: Path
    banner: list[str]

    def health(self) -> dict[str, object]:
        with urllib.request.urlopen(f"{self.endpoint}/_skybus/health", timeout=5) as reply:
            data: dict[str, object] = json.load(reply)
            return data

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_server(
    data_dir: Path,
    *,
    args: tuple[str, ...] = (),
    env: Mapping[str, str] | None = None,
    command: str = "serve",
    port: int | None = None,
    timeout: float = 30,
) -> RunningServer:
    port = port or free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SKYBUS_")}
    full_env.update(env or {})
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "skybus",
            command,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=full_env,
    )
    endpoint = f"http://127.0.0.1:{port}"
    banner: list[str] = []
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            code = process.wait()
            process.stdout.close()
            raise RuntimeError(f"skybus exited early ({code}): {' | '.join(banner)}")
        banner.append(line.rstrip("\n"))
        if line.startswith("export AWS_ENDPOINT_URL="):
            banner.append(process.stdout.readline().rstrip("\n"))
            break
    else:
        process.kill()
        process.wait()
        process.stdout.close()
        raise RuntimeError(f"skybus did not start in {timeout}s: {banner}")
    return RunningServer(process, endpoint, data_dir, banner)


@contextmanager
def running_server(data_dir: Path, **kwargs: object) -> Iterator[RunningServer]:
    server = start_server(data_dir, **kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()
        if server.process.stdout is not None:
            server.process.stdout.close()
