"""The error objects the Lambda service itself returns when a function fails outside its own
code: timeouts, runtimes that exit, memory exhaustion, results that are too large.

Errors raised by handler code, and init faults (``Runtime.ImportModuleError``, ...), are built by
awslambdaric inside the worker and passed through unchanged.
"""

from __future__ import annotations

import signal

import orjson

from skybus import limits
from skybus.engines.functions.runtime.lambda_logs import iso_ms

EXIT_ERROR = "Runtime.ExitError"
OUT_OF_MEMORY = "Runtime.OutOfMemory"
TOO_LARGE = "Function.ResponseSizeTooLarge"
#: The error type newer Lambda logs give a timeout (the timeout's error object has none).
TIMED_OUT = "Sandbox.Timedout"
#: The error type awslambdaric reports when the handler raised Python's MemoryError.
MEMORY_ERROR = "MemoryError"

# Lambda's runtime supervisor is written in Go and describes a signal the way Go's os/exec does.
_SIGNAL_WORDS = {
    signal.SIGKILL: "killed",
    signal.SIGSEGV: "segmentation fault",
    signal.SIGABRT: "aborted",
    signal.SIGTERM: "terminated",
    signal.SIGBUS: "bus error",
    signal.SIGFPE: "floating point exception",
    signal.SIGILL: "illegal instruction",
    signal.SIGINT: "interrupt",
    signal.SIGPIPE: "broken pipe",
    signal.SIGHUP: "hangup",
    signal.SIGQUIT: "quit",
    signal.SIGTRAP: "trace/breakpoint trap",
    signal.SIGSYS: "bad system call",
    signal.SIGXCPU: "CPU time limit exceeded",
    signal.SIGXFSZ: "file size limit exceeded",
    signal.SIGUSR1: "user defined signal 1",
    signal.SIGUSR2: "user defined signal 2",
}


def exit_reason(returncode: int) -> str:
    """``exit status 1`` / ``signal: killed``, as Lambda words a runtime's exit."""
    if returncode < 0:
        try:
            sig = signal.Signals(-returncode)
        except ValueError:
            return f"signal: {-returncode}"
        return "signal: " + _SIGNAL_WORDS.get(sig, sig.name)
    return f"exit status {returncode}"


def timeout_message(request_id: str, now: float, elapsed_s: float) -> str:
    return f"{iso_ms(now)} {request_id} Task timed out after {elapsed_s:.2f} seconds"


def timeout_error(message: str) -> bytes:
    return orjson.dumps({"errorMessage": message})


def exit_message(request_id: str, returncode: int) -> str:
    if returncode == 0:
        return f"RequestId: {request_id} Error: Runtime exited without providing a reason"
    return f"RequestId: {request_id} Error: Runtime exited with error: {exit_reason(returncode)}"


def exit_error(request_id: str, returncode: int) -> bytes:
    return orjson.dumps(
        {"errorType": EXIT_ERROR, "errorMessage": exit_message(request_id, returncode)}
    )


def out_of_memory_error(request_id: str) -> bytes:
    return orjson.dumps(
        {"errorType": OUT_OF_MEMORY, "errorMessage": exit_message(request_id, -signal.SIGKILL)}
    )


def too_large_error(size: int) -> bytes:
    return orjson.dumps(
        {
            "errorMessage": f"Response payload size ({size} bytes) exceeded maximum allowed "
            f"payload size ({limits.LAMBDA_MAX_RESPONSE_BYTES} bytes).",
            "errorType": TOO_LARGE,
        }
    )
