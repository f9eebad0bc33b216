"""Fixtures for the function runtime: a node started in-process on a temporary data folder, and
functions written into folders (or zips) by the tests themselves.

``SKYBUS_RUNTIMES_DIR`` points at ``.cache/runtimes`` in the repository, so awslambdaric is
installed for other interpreters once per checkout rather than once per test run.
"""

from __future__ import annotations

import hashlib
import io
import textwrap
import uuid
import zipfile
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from skybus.config import Settings
from skybus.engines.functions.runtime import CodeSource, FunctionRuntime, FunctionSpec
from skybus.node import Node

ACCOUNT = "000000000000"
REGION = "us-east-1"
RUNTIMES_CACHE = Path(__file__).resolve().parents[3] / ".cache" / "runtimes"


@pytest.fixture
async def node(tmp_path: Path) -> AsyncIterator[Node]:
    settings = Settings(
        data_dir=tmp_path / "data", env={"SKYBUS_RUNTIMES_DIR": str(RUNTIMES_CACHE)}
    )
    node = Node(settings)
    node.engine(FunctionRuntime)
    await node.start()
    yield node
    await node.stop()


@pytest.fixture
def runtime(node: Node) -> FunctionRuntime:
    return node.engine(FunctionRuntime)


class Functions:
    """Writes handler code and returns specs for it, one fresh function name per call."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def spec(
        self,
        source: str,
        *,
        handler: str = "app.handler",
        files: Mapping[str, str] | None = None,
        name: str | None = None,
        version: str = "$LATEST",
        **overrides: Any,
    ) -> FunctionSpec:
        name = name or f"fn-{uuid.uuid4().hex[:10]}"
        folder = self.root / f"{name}-{uuid.uuid4().hex[:6]}"
        folder.mkdir(parents=True)
        contents = {"app.py": textwrap.dedent(source), **(files or {})}
        for path, text in contents.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text))
        digest = hashlib.sha256(repr(sorted(contents.items())).encode()).hexdigest()
        spec = FunctionSpec(
            name=name,
            arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}:{version}",
            version=version,
            account=ACCOUNT,
            region=REGION,
            runtime="python3.11",
            handler=handler,
            code_sha256=digest,
            code=CodeSource(folder=folder),
            environment={},
            timeout_s=3,
            memory_mb=128,
            ephemeral_mb=512,
            reserved_concurrency=None,
            revision="r1",
        )
        return replace(spec, **overrides)

    def zipped(self, spec: FunctionSpec, data: bytes) -> FunctionSpec:
        """The same function with its code as a zip in the store."""

        async def load() -> bytes:
            return data

        digest = hashlib.sha256(data).hexdigest()
        return replace(spec, code=CodeSource(zip_loader=load), code_sha256=digest)


@pytest.fixture
def functions(tmp_path: Path) -> Functions:
    return Functions(tmp_path / "code")


def make_zip(files: Mapping[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    return buffer.getvalue()
