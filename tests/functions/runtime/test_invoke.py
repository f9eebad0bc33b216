"""Invocations through real worker processes: results, handler errors and init faults exactly as
awslambdaric reports them, the context object and the environment."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from skybus.config import Settings
from skybus.engines.functions.runtime import FunctionRuntime
from skybus.node import Node
from tests.functions.runtime.conftest import Functions, make_zip
from tests.servers import RunningServer


async def test_handler_result_is_the_payload(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(
        """
        def handler(event, context):
            return {"echo": event, "ok": True}
        """
    )
    result = await runtime.invoke(spec, b'{"a": [1, 2]}', request_id="req-1")
    assert result.function_error is None
    assert json.loads(result.payload) == {"echo": {"a": [1, 2]}, "ok": True}
    assert result.duration_ms > 0
    assert result.billed_ms >= 1
    assert result.max_memory_mb > 0
    assert result.init_ms is not None
    assert result.init_ms > 0


async def test_decimal_and_unicode_results_serialise_as_lambda_does(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(
        """
        from decimal import Decimal

        def handler(event, context):
            return {"n": Decimal("12.50"), "word": "héllo"}
        """,
        runtime="python3.11",
    )
    result = await runtime.invoke(spec, b"{}", request_id="req-dec")
    assert result.function_error is None
    assert b'"n": 12.50' in result.payload
    assert json.loads(result.payload)["word"] == "héllo"


async def test_handler_exception_gives_the_error_object(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(
        """
        class OrderRejected(Exception):
            pass

        def handler(event, context):
            raise OrderRejected("no stock for " + event["item"])
        """
    )
    result = await runtime.invoke(spec, b'{"item": "apples"}', request_id="req-err")
    assert result.function_error == "Unhandled"
    error = json.loads(result.payload)
    assert error["errorType"] == "OrderRejected"
    assert error["errorMessage"] == "no stock for apples"
    assert error["requestId"] == "req-err"
    assert any("raise OrderRejected" in frame for frame in error["stackTrace"])
    assert "[ERROR] OrderRejected: no stock for apples" in result.log_tail


async def test_import_error_is_an_init_fault(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec("import not_a_module_anywhere\n")
    result = await runtime.invoke(spec, b"{}", request_id="req-imp")
    assert result.function_error == "Unhandled"
    error = json.loads(result.payload)
    assert error["errorType"] == "Runtime.ImportModuleError"
    assert error["errorMessage"] == (
        "Unable to import module 'app': No module named 'not_a_module_anywhere'"
    )
    assert "Error Type: Runtime.ImportModuleError" in result.log_tail
    # Init is retried on the next invocation, as Lambda does, with the same answer.
    again = await runtime.invoke(spec, b"{}", request_id="req-imp-2")
    assert json.loads(again.payload)["errorType"] == "Runtime.ImportModuleError"
    assert runtime.stats()["workers"] == 0


async def test_syntax_error_is_reported_with_its_line(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec("def handler(event, context)\n    return 1\n")
    result = await runtime.invoke(spec, b"{}", request_id="req-syn")
    error = json.loads(result.payload)
    assert error["errorType"] == "Runtime.UserCodeSyntaxError"
    assert error["errorMessage"].startswith("Syntax error in module 'app'")
    assert "Line 1" in error["stackTrace"][0]


async def test_missing_handler_function(runtime: FunctionRuntime, functions: Functions) -> None:
    spec = functions.spec("def other(event, context):\n    return 1\n", handler="app.handler")
    error = json.loads((await runtime.invoke(spec, b"{}", request_id="req-hnf")).payload)
    assert error["errorType"] == "Runtime.HandlerNotFound"
    assert error["errorMessage"] == "Handler 'handler' missing on module 'app'"


async def test_handler_in_a_subfolder_resolves_like_lambda(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(
        "",
        handler="src/api/routes.handler",
        files={
            "src/__init__.py": "",
            "src/api/__init__.py": "",
            "src/api/routes.py": "def handler(event, context):\n    return __name__\n",
        },
    )
    result = await runtime.invoke(spec, b"{}", request_id="req-sub")
    assert json.loads(result.payload) == "src.api.routes"


async def test_unserialisable_result_is_a_marshal_error(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(
        """
        def handler(event, context):
            return {"when": object()}
        """
    )
    result = await runtime.invoke(spec, b"{}", request_id="req-mar")
    assert result.function_error == "Unhandled"
    error = json.loads(result.payload)
    assert error["errorType"] == "Runtime.MarshalError"
    assert error["errorMessage"].startswith("Unable to marshal response:")


async def test_context_object_fields(runtime: FunctionRuntime, functions: Functions) -> None:
    spec = functions.spec(
        """
        def handler(event, context):
            return {
                "function_name": context.function_name,
                "function_version": context.function_version,
                "memory_limit_in_mb": context.memory_limit_in_mb,
                "aws_request_id": context.aws_request_id,
                "invoked_function_arn": context.invoked_function_arn,
                "remaining": context.get_remaining_time_in_millis(),
                "log_group_name": context.log_group_name,
                "log_stream_name": context.log_stream_name,
                "custom": context.client_context.custom if context.client_context else None,
            }
        """,
        memory_mb=256,
        timeout_s=7,
    )
    client_context = json.dumps({"custom": {"tenant": "blue"}, "client": {}, "env": {}})
    result = await runtime.invoke(
        spec,
        b"{}",
        request_id="9f1c7a2e-0000-4000-8000-000000000001",
        client_context=client_context,
    )
    context = json.loads(result.payload)
    assert context["function_name"] == spec.name
    assert context["function_version"] == "$LATEST"
    assert context["memory_limit_in_mb"] == "256"  # a string, as on Lambda
    assert context["aws_request_id"] == "9f1c7a2e-0000-4000-8000-000000000001"
    assert context["invoked_function_arn"] == spec.arn
    assert 6000 < context["remaining"] <= 7000
    assert context["log_group_name"] == f"/aws/lambda/{spec.name}"
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}", context["log_stream_name"])
    assert context["custom"] == {"tenant": "blue"}


async def test_base64_client_context_as_invoke_carries_it(
    runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(
        "def handler(event, context):\n    return context.client_context.custom\n"
    )
    encoded = "eyJjdXN0b20iOiB7ImsiOiAidiJ9fQ=="  # {"custom": {"k": "v"}}
    result = await runtime.invoke(spec, b"{}", request_id="req-cc", client_context=encoded)
    assert json.loads(result.payload) == {"k": "v"}


async def test_environment_as_lambda_sets_it(
    node: Node, runtime: FunctionRuntime, functions: Functions
) -> None:
    spec = functions.spec(
        """
        import os

        def handler(event, context):
            return {name: os.environ.get(name) for name in event}
        """,
        environment={"TABLE": "words", "AWS_REGION": "ignored", "LANG": "C.UTF-8"},
        memory_mb=192,
    )
    names = [
        "_HANDLER", "LAMBDA_TASK_ROOT", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_REGION",
        "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_RUNTIME_API", "TZ", "LANG",
        "PYTHONPATH", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN", "TABLE", "PYTEST_CURRENT_TEST",
    ]  # fmt: skip
    result = await runtime.invoke(spec, json.dumps(names).encode(), request_id="req-env")
    env = json.loads(result.payload)
    assert spec.code.folder is not None
    assert env["_HANDLER"] == "app.handler"
    assert env["LAMBDA_TASK_ROOT"] == str(spec.code.folder)
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == spec.name
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "192"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == f"/aws/lambda/{spec.name}"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"  # reserved
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.11"
    assert re.fullmatch(r"127\.0\.0\.1:\d+", env["AWS_LAMBDA_RUNTIME_API"])
    assert env["TZ"] == ":UTC"
    assert env["LANG"] == "C.UTF-8"  # not reserved: the function's own value wins
    assert env["PYTHONPATH"].split(":")[0] == str(spec.code.folder)
    assert env["AWS_ENDPOINT_URL"] == node.settings.endpoint
    assert env["AWS_ACCESS_KEY_ID"] == env["AWS_SECRET_ACCESS_KEY"] == "test"  # open mode
    assert env["AWS_SESSION_TOKEN"] is None
    assert env["TABLE"] == "words"
    assert env["PYTEST_CURRENT_TEST"] is None  # nothing of Skybus's own environment leaks


async def test_code_from_a_zip_is_unpacked_once(
    node: Node, runtime: FunctionRuntime, functions: Functions
) -> None:
    base = functions.spec("")
    data = make_zip({"pkg/__init__.py": "", "pkg/main.py": "def run(e, c):\n    return 'zipped'\n"})
    spec = replace(functions.zipped(base, data), handler="pkg.main.run")
    result = await runtime.invoke(spec, b"{}", request_id="req-zip")
    assert json.loads(result.payload) == "zipped"
    unpacked = node.settings.data_dir / "functions" / "code" / spec.code_sha256
    assert (unpacked / "pkg" / "main.py").is_file()


async def test_boto3_inside_a_handler_reaches_skybus(
    tmp_path: Path, server: RunningServer, functions: Functions
) -> None:
    """A handler that knows nothing of Skybus calls AWS through boto3 and lands on Skybus."""
    port = int(server.endpoint.rsplit(":", 1)[1])
    node = Node(Settings(data_dir=tmp_path / "own", port=port))
    runtime = node.engine(FunctionRuntime)
    await node.start()
    try:
        spec = functions.spec(
            """
            import boto3

            def handler(event, context):
                return boto3.client("sts").get_caller_identity()["Account"]
            """,
            timeout_s=30,
        )
        result = await runtime.invoke(spec, b"{}", request_id="req-boto3")
    finally:
        await node.stop()
    assert result.function_error is None, result.payload
    assert json.loads(result.payload) == "000000000000"
