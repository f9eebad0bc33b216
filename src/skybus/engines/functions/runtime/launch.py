"""How a worker process is started: its command line and the environment Lambda gives it.

The worker is ``python -c LAUNCHER <memory bytes> <handler> <files>``: the launcher caps the
process's data segment (``RLIMIT_DATA``) at the function's MemorySize and its open files at
Lambda's 1,024, then runs awslambdaric exactly as ``python -m awslambdaric <handler>`` would.
The limits are set in the child itself rather than through ``preexec_fn``, which would make
every spawn fork the whole Skybus process (instead of ``vfork``) and is unsafe while Skybus has
threads.

``RLIMIT_DATA`` rather than ``RLIMIT_AS``: the address-space limit counts memory that is reserved
but never used, and glibc reserves 64 MB of address space per thread arena (awslambdaric polls
from a thread on python3.12+), so a 128 MB function would fail to start. The data limit counts
the heap and private writable mappings, which is what a handler grows when it allocates.
Exceeding it raises ``MemoryError`` in the handler; the runtime then kills the worker, as Lambda
does when a function runs out of memory.

With ``-c`` the interpreter puts the working directory (the code folder, as ``/var/task`` is on
Lambda) first on ``sys.path``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from skybus import limits
from skybus.engines.functions.runtime.interpreters import Interpreter
from skybus.engines.functions.runtime.spec import FunctionSpec

LAUNCHER = """\
import resource, sys
limit = int(sys.argv[1])
if limit > 0:
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (ValueError, OSError):
        pass
files = int(sys.argv[3])
try:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard != resource.RLIM_INFINITY:
        files = min(files, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))
except (ValueError, OSError):
    pass
sys.argv = ["awslambdaric", sys.argv[2]]
import runpy
runpy.run_module("awslambdaric", run_name="__main__", alter_sys=True)
"""

#: Names Lambda reserves: a function's own variables cannot replace them.
RESERVED = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
        "TZ",
    }
)


@dataclass(frozen=True, slots=True)
class Identity:
    """What a worker's AWS SDK is pointed at: Skybus's endpoint and a key it accepts."""

    endpoint: str
    access_key: str
    secret_key: str


def command(interpreter: Interpreter, spec: FunctionSpec) -> list[str]:
    memory = spec.memory_mb * limits.MiB
    files = limits.LAMBDA_MAX_FILE_DESCRIPTORS
    return [interpreter.executable, "-c", LAUNCHER, str(memory), spec.handler, str(files)]


def environment(
    spec: FunctionSpec,
    *,
    interpreter: Interpreter,
    code_dir: str,
    runtime_api: str,
    log_group: str,
    log_stream: str,
    identity: Identity,
) -> dict[str, str]:
    env: dict[str, str] = {
        "PATH": os.pathsep.join(
            [os.path.dirname(interpreter.executable), "/usr/local/bin", "/usr/bin", "/bin"]
        ),
        "LANG": "en_US.UTF-8",
        "AWS_ENDPOINT_URL": identity.endpoint,
    }
    if spec.code.folder is not None:
        # Code run from a local folder is edited in place: a cached .pyc written in the same
        # second as an edit of equal size would hide the edit from the next worker.
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(_own_variables(spec.environment))
    python_path = [code_dir]
    if spec.environment.get("PYTHONPATH"):
        python_path = [spec.environment["PYTHONPATH"], code_dir]
    env["PYTHONPATH"] = os.pathsep.join([*python_path, *interpreter.path])
    env.update(
        {
            "_HANDLER": spec.handler,
            "LAMBDA_TASK_ROOT": code_dir,
            "LAMBDA_RUNTIME_DIR": interpreter.path[0] if interpreter.path else code_dir,
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": log_group,
            "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": spec.region,
            "AWS_DEFAULT_REGION": spec.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "AWS_LAMBDA_RUNTIME_API": runtime_api,
            "AWS_ACCESS_KEY_ID": identity.access_key,
            "AWS_SECRET_ACCESS_KEY": identity.secret_key,
            "TZ": ":UTC",
        }
    )
    return env


def _own_variables(variables: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in variables.items() if k not in RESERVED and k != "PYTHONPATH"}
