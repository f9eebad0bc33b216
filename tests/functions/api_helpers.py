"""Helpers for the Lambda tests: zips built in memory, a role ARN, ready-made handlers."""

from __future__ import annotations

import io
import sys
import zipfile
from typing import Any

ROLE = "arn:aws:iam::000000000000:role/lambda-role"

#: SKYBUS_LAMBDA_TIME_SCALE of the async test node: 1 minute of retry delay takes 0.6 s.
TIME_SCALE = 0.01

#: The Runtime the tests' functions use: the Python the tests run on, when Lambda has it, so that
#: workers start on Skybus's own interpreter without installing anything.
RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
if RUNTIME not in ("python3.9", "python3.10", "python3.11", "python3.12", "python3.13"):
    RUNTIME = "python3.12"

ECHO = "def handler(event, context):\n    return event\n"


def zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return buffer.getvalue()


def create(lam: Any, name: str, source: str = ECHO, **kwargs: Any) -> dict[str, Any]:
    """Create a function whose ``app.py`` is ``source`` (an echo handler by default)."""
    params: dict[str, Any] = {
        "FunctionName": name,
        "Runtime": RUNTIME,
        "Role": ROLE,
        "Handler": "app.handler",
        "Code": {"ZipFile": zip_of({"app.py": source})},
    }
    params.update(kwargs)
    result: dict[str, Any] = lam.create_function(**params)
    return result


def error_of(exc: Any) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a botocore ClientError."""
    response = exc.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )
