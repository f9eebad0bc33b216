"""Code on disk for workers: each zip unpacked once into ``<data dir>/functions/code/<sha256>/``
and shared by every worker and version that runs it; folders are used where they are.

Unpacking goes to a staging folder that is renamed into place when complete, so a crash halfway
never leaves a partial tree that later workers would trust. Member names that would escape the
folder (absolute paths, ``..``) are refused, and so is a zip whose members add up to more than
Lambda's 250 MB unzipped limit, counting the bytes actually written, not the sizes the zip
claims.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import io
import os
import secrets
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from skybus import limits
from skybus.engines.functions.runtime.spec import CodeError, FunctionSpec

BAD_ZIP = "Could not unzip uploaded file. Please check your file, then try to upload again."
_COPY_CHUNK = 1024 * 1024


def too_large_message() -> str:
    return f"Unzipped size must be smaller than {limits.LAMBDA_MAX_UNZIPPED_BYTES} bytes"


def digest_name(code_sha256: str) -> str:
    """A folder name for a code hash given as hex or base64 (``CodeSha256``)."""
    text = code_sha256.strip()
    if len(text) == 64 and all(c in "0123456789abcdefABCDEF" for c in text):
        return text.lower()
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) == 32:
        return raw.hex()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CodeCache:
    """Unpacked code by hash, with one unpacking at a time per hash."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._locks: dict[str, asyncio.Lock] = {}

    async def folder_for(self, spec: FunctionSpec) -> Path:
        source = spec.code
        if source.folder is not None:
            return _existing_folder(Path(source.folder))
        if source.zip_loader is None:
            raise CodeError("The function has no code.")
        name = digest_name(spec.code_sha256)
        target = self.root / name
        if _is_dir(target):
            return target
        lock = self._locks.setdefault(name, asyncio.Lock())
        async with lock:
            if not _is_dir(target):
                data = await source.zip_loader()
                await asyncio.to_thread(unpack, data, target)
        self._locks.pop(name, None)
        return target


def _existing_folder(folder: Path) -> Path:
    if not folder.is_dir():
        raise CodeError(f"The function's code folder {str(folder)!r} does not exist.")
    return folder


def _is_dir(path: Path) -> bool:
    return path.is_dir()


def unpack(data: bytes, target: Path) -> None:
    """Unzip ``data`` into ``target`` (which must not exist yet), all or nothing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".staging-{target.name}-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        _extract(data, staging)
        try:
            staging.rename(target)
        except OSError:
            if not target.is_dir():  # not merely another process winning the race
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def check(data: bytes) -> None:
    """Raise :class:`CodeError` when ``data`` is not a zip Lambda would accept."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = 0
            for info in archive.infolist():
                _member_path(info.filename)
                total += info.file_size
            if total > limits.LAMBDA_MAX_UNZIPPED_BYTES:
                raise CodeError(too_large_message())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise CodeError(BAD_ZIP) from None


def _member_path(name: str) -> PurePosixPath | None:
    """The member's relative path; ``None`` for the archive's root entry."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise CodeError(BAD_ZIP)
    parts = [part for part in path.parts if part not in ("", ".")]
    return PurePosixPath(*parts) if parts else None


def _extract(data: bytes, into: Path) -> None:
    written = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                relative = _member_path(info.filename)
                if relative is None:
                    continue
                destination = into / relative
                if info.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, open(destination, "wb") as sink:
                    while chunk := source.read(_COPY_CHUNK):
                        written += len(chunk)
                        if written > limits.LAMBDA_MAX_UNZIPPED_BYTES:
                            raise CodeError(too_large_message())
                        sink.write(chunk)
                _apply_mode(destination, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise CodeError(BAD_ZIP) from exc


def _apply_mode(path: Path, info: zipfile.ZipInfo) -> None:
    """Keep the executable bits a zip recorded (Lambda does); always readable by the owner."""
    mode = (info.external_attr >> 16) & 0o777
    if mode:
        os.chmod(path, mode | stat.S_IRUSR | stat.S_IWUSR)
