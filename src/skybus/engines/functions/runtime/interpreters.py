"""Which Python runs a function: the interpreter its ``Runtime`` names, when this machine has it.

``python3.X`` is looked up in pyenv (``$PYENV_ROOT`` or ``~/.pyenv``, ``versions/3.X.*``, the
highest patch release) and then on ``PATH``; every candidate is asked for its version before it
is used, which also skips pyenv shims that are not selected. When the Runtime's version is the
one Skybus itself runs on, Skybus's own interpreter runs the worker: awslambdaric is one of
Skybus's dependencies, so nothing has to be installed.

Any other interpreter needs awslambdaric built for it (it has a C extension). On the first use of
that runtime Skybus installs it, with boto3 (which AWS's Python runtimes include, so handlers
may import it without packaging it), into a cache folder with the interpreter's own pip:
``<data dir>/functions/runtimes/python3.X`` by default, or under ``SKYBUS_RUNTIMES_DIR``. This
needs PyPI (or the machine's configured index) once per runtime and takes a few seconds; later
workers start from the cache. Where the version is missing or the install fails, the worker
runs on Skybus's interpreter and the reason is written into the function's log.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.metadata
import os
import re
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from skybus import limits

_RUNTIME_RE = re.compile(r"^python(\d+)\.(\d+)$")
_READY_MARK = ".skybus-ready"
HOST_VERSION = (sys.version_info.major, sys.version_info.minor)


@dataclass(frozen=True, slots=True)
class Interpreter:
    executable: str
    version: tuple[int, int]
    #: Folders to put on ``PYTHONPATH`` after the code (awslambdaric for this interpreter).
    path: tuple[str, ...] = ()
    #: Why the Runtime's own interpreter is not the one used; written into the function's log.
    warning: str | None = None

    @property
    def name(self) -> str:
        return f"python{self.version[0]}.{self.version[1]}"


def host_interpreter(warning: str | None = None) -> Interpreter:
    return Interpreter(sys.executable, HOST_VERSION, (), warning)


def runtime_version(runtime: str) -> tuple[int, int] | None:
    match = _RUNTIME_RE.match(runtime)
    return (int(match.group(1)), int(match.group(2))) if match else None


class Interpreters:
    """Finds and prepares interpreters, once per runtime per node."""

    def __init__(self, cache_dir: Path, *, pyenv_root: Path | None = None) -> None:
        self.cache_dir = cache_dir
        root = os.environ.get("PYENV_ROOT")
        self._pyenv_root = pyenv_root or (Path(root) if root else Path.home() / ".pyenv")
        self._found: dict[str, Interpreter] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, runtime: str) -> Interpreter:
        found = self._found.get(runtime)
        if found is not None:
            return found
        lock = self._locks.setdefault(runtime, asyncio.Lock())
        async with lock:
            found = self._found.get(runtime)
            if found is None:
                found = self._found[runtime] = await self._resolve(runtime)
            return found

    async def _resolve(self, runtime: str) -> Interpreter:
        host = f"python{HOST_VERSION[0]}.{HOST_VERSION[1]}"
        version = runtime_version(runtime)
        if version is None:
            return host_interpreter(f"Runtime {runtime} is not a Python runtime; using {host}")
        if version == HOST_VERSION:
            return host_interpreter()
        executable = await self._find(version)
        if executable is None:
            return host_interpreter(
                f"{runtime} is not installed on this machine; running on {host}, the "
                "interpreter Skybus runs on"
            )
        try:
            folder = await self._packages(executable, version)
        except RuntimeInstallError as exc:
            return host_interpreter(f"{exc}; running on {host}, the interpreter Skybus runs on")
        return Interpreter(executable, version, (str(folder),))

    async def _find(self, version: tuple[int, int]) -> str | None:
        for candidate in self._candidates(version):
            if await _reports_version(candidate, version):
                return candidate
        return None

    def _candidates(self, version: tuple[int, int]) -> list[str]:
        major, minor = version
        found: list[tuple[int, str]] = []
        pattern = re.compile(rf"^{major}\.{minor}\.(\d+)$")
        with contextlib.suppress(OSError):
            for entry in (self._pyenv_root / "versions").iterdir():
                match = pattern.match(entry.name)
                exe = entry / "bin" / f"python{major}.{minor}"
                if match and exe.is_file():
                    found.append((int(match.group(1)), str(exe)))
        candidates = [exe for _, exe in sorted(found, reverse=True)]
        on_path = shutil.which(f"python{major}.{minor}")
        if on_path and on_path not in candidates:
            candidates.append(on_path)
        return candidates

    async def _packages(self, executable: str, version: tuple[int, int]) -> Path:
        """The folder holding awslambdaric (and boto3) for ``executable``; installed once."""
        folder = self.cache_dir / f"python{version[0]}.{version[1]}"
        mark = folder / _READY_MARK
        if mark.is_file() and mark.read_text(encoding="utf-8") == executable:
            return folder
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        staging = self.cache_dir / f".staging-{folder.name}-{secrets.token_hex(4)}"
        try:
            await _pip_install(executable, staging)
            await _check_import(executable, staging)
            (staging / _READY_MARK).write_text(executable, encoding="utf-8")
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
            staging.rename(folder)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        return folder


class RuntimeInstallError(Exception):
    pass


def _requirement() -> str:
    """awslambdaric no newer than Skybus's own (older Pythons get the newest that supports
    them: 3.9 stops at 4.0.x)."""
    try:
        return f"awslambdaric<={importlib.metadata.version('awslambdaric')}"
    except importlib.metadata.PackageNotFoundError:
        return "awslambdaric"


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PIP_ROOT_USER_ACTION"] = "ignore"
    return env


async def _run(argv: list[str], env: dict[str, str], limit_s: float) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), limit_s)
    except TimeoutError:
        process.kill()
        await process.wait()
        return -1, f"timed out after {limit_s:.0f} s"
    return process.returncode or 0, output.decode("utf-8", errors="replace")


async def _reports_version(executable: str, version: tuple[int, int]) -> bool:
    code = "import sys; print('%d.%d' % sys.version_info[:2])"
    status, output = await _run([executable, "-c", code], _clean_env(), 30)
    return status == 0 and output.strip() == f"{version[0]}.{version[1]}"


async def _pip_install(executable: str, target: Path) -> None:
    argv = [
        executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-input",
        "--no-warn-script-location",
        "--target",
        str(target),
        _requirement(),
        "boto3",
    ]
    status, output = await _run(argv, _clean_env(), limits.LAMBDA_RUNTIME_INSTALL_SECONDS)
    if status != 0:
        last = output.strip().splitlines()[-1:] or ["no output"]
        raise RuntimeInstallError(f"installing awslambdaric for {executable} failed: {last[0]}")


async def _check_import(executable: str, folder: Path) -> None:
    env = _clean_env()
    env["PYTHONPATH"] = str(folder)
    status, output = await _run(
        [executable, "-c", "import awslambdaric.bootstrap, runtime_client"], env, 60
    )
    if status != 0:
        last = output.strip().splitlines()[-1:] or ["no output"]
        raise RuntimeInstallError(f"awslambdaric does not import in {executable}: {last[0]}")
