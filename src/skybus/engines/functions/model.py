"""What the functions engine stores, and where.

A function is one record holding its ``$LATEST`` configuration, tags and reserved concurrency;
published versions, aliases, event invoke configs and resource policies are records of their
own, keyed under the function's key (``account:region:name``) so that one prefix scan finds
everything a function owns. Zips are stored in chunks in ``lambda.code``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skybus import limits
from skybus.store.records import Records


@dataclass(slots=True)
class CodeRef:
    """The code a configuration runs: a stored zip, or a folder on this machine."""

    sha256: str
    """``CodeSha256``: base64 of the SHA-256 of the zip (of the folder path for folders)."""
    size: int
    digest: str = ""
    """Hex SHA-256 of the zip: names its chunks in the store."""
    chunks: int = 0
    folder: str | None = None


@dataclass(slots=True)
class Settings:
    """Everything a published version freezes: configuration and code."""

    runtime: str
    role: str
    handler: str
    code: CodeRef
    description: str = ""
    timeout: int = limits.LAMBDA_DEFAULT_TIMEOUT_SECONDS
    memory: int = limits.LAMBDA_DEFAULT_MEMORY_MB
    ephemeral: int = limits.LAMBDA_DEFAULT_EPHEMERAL_MB
    environment: dict[str, str] | None = None
    dead_letter_arn: str | None = None
    tracing_mode: str = "PassThrough"
    architectures: list[str] = field(default_factory=lambda: ["x86_64"])
    kms_key_arn: str | None = None
    vpc: dict[str, Any] | None = None
    log_format: str = "Text"
    log_group: str | None = None


@dataclass(slots=True)
class Version:
    version: str
    """``$LATEST`` or a published number."""
    settings: Settings
    revision_id: str
    last_modified: float


@dataclass(slots=True)
class Function:
    name: str
    latest: Version
    next_version: int = 1
    published: str | None = None
    """The version last published from ``latest`` as it is now; cleared by every change."""
    tags: dict[str, str] = field(default_factory=dict)
    reserved_concurrency: int | None = None


@dataclass(slots=True)
class Alias:
    name: str
    function_version: str
    revision_id: str
    description: str = ""
    weights: dict[str, float] | None = None


@dataclass(slots=True)
class InvokeConfig:
    """``PutFunctionEventInvokeConfig``: retries, event age and destinations of one qualifier."""

    qualifier: str
    last_modified: float
    max_retries: int | None = None
    max_age: int | None = None
    on_success: str | None = None
    on_failure: str | None = None


@dataclass(slots=True)
class Policy:
    """The resource-based policy of a function, version or alias."""

    statements: list[dict[str, Any]]
    revision_id: str


FUNCTIONS = Records("lambda.functions", Function)
VERSIONS = Records("lambda.versions", Version)
ALIASES = Records("lambda.aliases", Alias)
INVOKE_CONFIGS = Records("lambda.invoke_configs", InvokeConfig)
POLICIES = Records("lambda.policies", Policy)
CODE_SPACE = "lambda.code"


def version_key(function_key: str, version: str) -> str:
    # Zero-padded so that versions scan in numeric order.
    return f"{function_key}:{int(version):010d}"


def child_key(function_key: str, name: str) -> str:
    return f"{function_key}:{name}"


def code_key(function_key: str, digest: str, chunk: int) -> bytes:
    return f"{function_key}:{digest}:{chunk:05d}".encode()
