"""Function code: zips checked and stored in chunks, or a folder on this machine.

Zips are checked the way Lambda checks them at upload (it must unzip, and unzip to at most
250 MB) and stored in the store in 1 MB chunks, so a 50 MB zip never travels as one value.

Running from a folder is Skybus's own mode for development and templates: ``Code`` (or
``UpdateFunctionCode``) with ``S3Bucket`` set to :data:`LOCAL_BUCKET` and ``S3Key`` set to an
absolute path. Nothing is copied: each new worker imports the folder as it is then, so edits take
effect without redeploying. Any other bucket is answered as AWS answers a bucket that does not
exist, since Skybus has no S3.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skybus import limits
from skybus.engines.functions import errors
from skybus.engines.functions.model import CODE_SPACE, CodeRef, code_key
from skybus.store.contract import Tx

#: ``S3Bucket`` that marks ``S3Key`` as a local folder.
LOCAL_BUCKET = "skybus-local"
#: The bucket name LocalStack uses for the same purpose, accepted for the same meaning.
LOCAL_BUCKET_ALIASES = frozenset({LOCAL_BUCKET, "hot-reload"})
_SKIPPED_DIRS = frozenset({"__pycache__", ".git", ".venv", "node_modules"})


@dataclass(slots=True)
class Upload:
    """Code received in a request, checked, not yet stored."""

    ref: CodeRef
    zip_bytes: bytes | None = None


def from_request(code: dict[str, Any]) -> Upload:
    """The code of a ``FunctionCode`` / ``UpdateFunctionCode`` request."""
    if code.get("ImageUri"):
        raise errors.invalid(
            "Skybus runs functions from zip archives only (PackageType Zip); container image "
            "functions (ImageUri) are not supported."
        )
    zipped = code.get("ZipFile")
    bucket = code.get("S3Bucket")
    if zipped is not None:
        return from_zip(zipped)
    if bucket is not None:
        key = code.get("S3Key") or ""
        if bucket in LOCAL_BUCKET_ALIASES:
            return Upload(from_folder(key))
        raise errors.invalid(
            "Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: "
            "The specified bucket does not exist"
        )
    raise errors.invalid("Please provide a source for function code.")


def from_zip(data: bytes) -> Upload:
    bad_zip = errors.invalid(
        "Could not unzip uploaded file. Please check your file, then try to upload again."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
            if unzipped > limits.LAMBDA_MAX_UNZIPPED_BYTES:
                raise errors.invalid(
                    f"Unzipped size must be smaller than {limits.LAMBDA_MAX_UNZIPPED_BYTES} bytes"
                )
            # Reads every member: a zip whose data is corrupt is refused now, not at invoke.
            if archive.testzip() is not None:
                raise bad_zip
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise bad_zip from None
    digest = hashlib.sha256(data)
    chunks = -(-len(data) // limits.LAMBDA_CODE_CHUNK_BYTES)
    ref = CodeRef(
        sha256=base64.b64encode(digest.digest()).decode("ascii"),
        size=len(data),
        digest=digest.hexdigest(),
        chunks=max(chunks, 1),
    )
    return Upload(ref, data)


def from_folder(path: str) -> CodeRef:
    folder = Path(path)
    if not folder.is_absolute() or not folder.is_dir():
        raise errors.invalid(
            f"Local code folder {path!r} is not an absolute path to an existing directory "
            f"(S3Bucket {LOCAL_BUCKET!r} takes the folder's absolute path as S3Key)."
        )
    digest = hashlib.sha256(str(folder).encode())
    return CodeRef(
        sha256=base64.b64encode(digest.digest()).decode("ascii"),
        size=folder_size(folder),
        folder=str(folder),
    )


def folder_size(folder: Path) -> int:
    total = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS]
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


async def store_zip(tx: Tx, function_key: str, upload: Upload) -> None:
    """Write the zip's chunks (idempotent: the same zip always lands on the same keys)."""
    data = upload.zip_bytes
    if data is None:
        return
    step = limits.LAMBDA_CODE_CHUNK_BYTES
    for index in range(upload.ref.chunks):
        chunk = data[index * step : (index + 1) * step]
        await tx.put(CODE_SPACE, code_key(function_key, upload.ref.digest, index), chunk)


async def load_zip(tx: Tx, function_key: str, ref: CodeRef) -> bytes | None:
    if ref.folder is not None or not ref.digest:
        return None
    prefix = f"{function_key}:{ref.digest}:".encode()
    rows = await tx.scan(CODE_SPACE, prefix=prefix)
    if len(rows) != ref.chunks:
        return None
    return b"".join(value for _, value in rows)


async def drop_zip(tx: Tx, function_key: str, digest: str) -> None:
    if digest:
        for key, _ in await tx.scan(CODE_SPACE, prefix=f"{function_key}:{digest}:".encode()):
            await tx.delete(CODE_SPACE, key)


async def drop_all(tx: Tx, function_key: str) -> None:
    for key, _ in await tx.scan(CODE_SPACE, prefix=f"{function_key}:".encode()):
        await tx.delete(CODE_SPACE, key)
