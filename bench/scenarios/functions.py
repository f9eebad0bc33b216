"""Lambda: a warm Invoke (RequestResponse) of a no-op Python handler.

Setup creates the function ``bench-noop``: a zip holding ``def handler(event, context): return
None``, with the Runtime of the Python the benchmark runs on, which Skybus's own interpreter
serves without installing anything. The warm-up run starts the workers (at most one per
connection, since a worker runs one invocation at a time), so the measured run sees warm workers
only: routing, authentication, the function lookup, the Runtime API round trip to the worker and
back.

moto's Lambda runs handlers in Docker containers (and LocalStack's needs Docker too); neither
can run on a machine without a Docker daemon, so this scenario is measured on Skybus alone
there.
"""

from __future__ import annotations

import base64
import io
import sys
import zipfile

import orjson

from bench.scenario import Operation, Scenario
from bench.signing import Signer

FUNCTION = "bench-noop"
RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
_HANDLER = "def handler(event, context):\n    return None\n"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("app.py", _HANDLER)
    return buffer.getvalue()


def build(signer: Signer) -> Scenario:
    create = orjson.dumps(
        {
            "FunctionName": FUNCTION,
            "Runtime": RUNTIME,
            "Role": "arn:aws:iam::000000000000:role/bench",
            "Handler": "app.handler",
            "Code": {"ZipFile": base64.b64encode(_zip()).decode("ascii")},
        }
    )
    headers = {"Content-Type": "application/json"}
    return Scenario(
        name="functions",
        description=__doc__ or "",
        setup=(
            signer.sign("lambda", "POST", "/2015-03-31/functions", headers=headers, body=create),
        ),
        operations=(
            Operation(
                "Invoke (warm, no-op)",
                signer.sign(
                    "lambda",
                    "POST",
                    f"/2015-03-31/functions/{FUNCTION}/invocations",
                    headers=headers,
                    body=b"{}",
                ),
            ),
        ),
    )
