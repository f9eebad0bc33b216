"""Hot reload for functions run from a local folder: notice edits without a configuration
change, so the next invocation runs on a worker that imported the edited code.

A folder's fingerprint is the newest modification time and the number of its files (caches and
hidden folders aside). Walking a large tree on every invocation would cost too much, so a
folder is looked at again at most every :data:`CHECK_SECONDS`.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

CHECK_SECONDS = 0.5
_SKIPPED = ("__pycache__", ".git", ".venv", "node_modules")


def fingerprint(folder: Path) -> tuple[int, int]:
    newest = 0
    count = 0
    pending = [str(folder)]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.name in _SKIPPED or entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                    continue
                newest = max(newest, entry.stat().st_mtime_ns)
            except OSError:
                continue
            count += 1
    return newest, count


class FolderWatch:
    """The last fingerprint seen of each folder, refreshed at most every CHECK_SECONDS."""

    def __init__(self) -> None:
        self._seen: dict[Path, tuple[float, tuple[int, int]]] = {}

    def current(self, folder: Path) -> tuple[int, int]:
        now = time.monotonic()
        known = self._seen.get(folder)
        if known is not None and now - known[0] < CHECK_SECONDS:
            return known[1]
        found = fingerprint(folder)
        self._seen[folder] = (now, found)
        return found
