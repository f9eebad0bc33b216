"""Outside services (PostgreSQL, ...) for tests: skipped when absent, unless CI requires them."""

from __future__ import annotations

import os
import socket

import pytest

POSTGRES_URL = os.environ.get("SKYBUS_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")


def services_required() -> bool:
    return os.environ.get("SKYBUS_REQUIRE_SERVICES", "") not in ("", "0", "false")


def reachable(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def need_service(name: str, host: str, port: int) -> None:
    """Skip the calling test when the service is absent; fail instead when CI requires it."""
    if reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if services_required():
        pytest.fail(f"{message} and SKYBUS_REQUIRE_SERVICES=1 is set")
    pytest.skip(message)


def need_postgres() -> str:
    need_service("PostgreSQL", "127.0.0.1", 5432)
    return POSTGRES_URL
