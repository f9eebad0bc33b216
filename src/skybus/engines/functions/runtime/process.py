"""One worker's operating-system process: spawned in its own process group, watched for exit
without a thread (a pidfd in the event loop where Linux has one), killed with everything it
started, and measured from ``/proc``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
from collections.abc import Callable


class Process:
    def __init__(
        self, argv: list[str], *, cwd: str, env: dict[str, str], on_exit: Callable[[int], None]
    ) -> None:
        read_fd, write_fd = os.pipe()
        try:
            self._popen = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=write_fd,
                stderr=write_fd,
                close_fds=True,
                process_group=0,
            )
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        #: The read end of the worker's stdout and stderr (the caller owns it from here).
        self.output_fd = read_fd
        self.pid = self._popen.pid
        self.returncode: int | None = None
        self._on_exit = on_exit
        self._status_fd: int | None = None
        self._watch()

    def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            pidfd = os.pidfd_open(self.pid)
        except (AttributeError, OSError):
            waiter = loop.run_in_executor(None, self._popen.wait)
            waiter.add_done_callback(lambda _: self._exited())
            return

        def readable() -> None:
            loop.remove_reader(pidfd)
            os.close(pidfd)
            self._exited()

        loop.add_reader(pidfd, readable)

    def _exited(self) -> None:
        if self.returncode is not None:
            return
        self.returncode = self._popen.wait()
        self.close()
        self._on_exit(self.returncode)

    @property
    def alive(self) -> bool:
        return self.returncode is None

    def kill(self) -> None:
        """SIGKILL the worker and any process it started (its process group)."""
        if self.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            self._popen.kill()

    def memory_kb(self) -> tuple[int, int]:
        """``(resident now, peak resident)`` in KiB, ``(0, 0)`` where ``/proc`` is absent.

        Read after every invocation, so the status file stays open and is re-read in place.
        """
        if self._status_fd is None:
            try:
                self._status_fd = os.open(f"/proc/{self.pid}/status", os.O_RDONLY)
            except OSError:
                return 0, 0
        try:
            text = os.pread(self._status_fd, 4096, 0)
        except OSError:
            return 0, 0
        return _field_kb(text, b"VmRSS:"), _field_kb(text, b"VmHWM:")

    def close(self) -> None:
        fd, self._status_fd = self._status_fd, None
        if fd is not None:
            os.close(fd)


def _field_kb(status: bytes, name: bytes) -> int:
    start = status.find(name)
    if start < 0:
        return 0
    end = status.find(b"\n", start)
    try:
        return int(status[start + len(name) : end].split()[0])
    except (ValueError, IndexError):
        return 0
