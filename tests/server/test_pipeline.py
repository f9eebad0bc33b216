"""The pipeline in-process: steps added to the list run, and no failure escapes as a raw 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from skybus.config import Settings
from skybus.node import Node
from skybus.server import pipeline, steps
from skybus.server.app import SkybusApp
from skybus.server.exchange import Exchange
from skybus.services import ServiceRegistry, discover
from skybus.services.base import Call, Params, Result, Route, Service
from skybus.wire.errors import ServiceError
from skybus.wire.http import HttpRequest, HttpResponse
from tests.server.signing import signed

DDB = {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
async def node(tmp_path: Path) -> AsyncIterator[Node]:
    node = Node(Settings(data_dir=tmp_path))
    await node.start()
    yield node
    await node.stop()


@pytest.fixture
async def http(node: Node) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=SkybusApp(node))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:4566") as client:
        yield client


async def test_an_added_step_runs_for_every_request(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str | None] = []

    def throttle(ex: Exchange) -> None:
        seen.append(ex.service)
        raise ServiceError("ThrottlingException", "Rate exceeded", status=400)

    chain = list(pipeline.REQUEST_STEPS)
    chain.insert(chain.index(steps.parse), throttle)
    monkeypatch.setattr(pipeline, "REQUEST_STEPS", chain)
    request = signed("POST", "http://127.0.0.1:4566/", service="dynamodb", body=b"{}", headers=DDB)
    response = await http.send(request)
    assert seen == ["dynamodb"]
    assert response.status_code == 400
    assert response.json()["__type"].endswith("#ThrottlingException")


async def test_a_crashing_operation_answers_internal_failure_in_its_protocol(
    http: httpx.AsyncClient, node: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(call: Call, params: Params) -> Result:
        raise RuntimeError("boom")

    monkeypatch.setitem(node.services._handlers["sts"], "GetCallerIdentity", broken)
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    request = signed("POST", "http://127.0.0.1:4566/", service="sts", body=body, headers=FORM)
    response = await http.send(request)
    assert response.status_code == 500
    assert b"<Code>InternalFailure</Code>" in response.content
    assert b"boom" not in response.content


async def test_metrics_count_requests_per_operation(http: httpx.AsyncClient) -> None:
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    for _ in range(3):
        request = signed("POST", "http://127.0.0.1:4566/", service="sts", body=body, headers=FORM)
        assert (await http.send(request)).status_code == 200
    metrics = (await http.get("/_skybus/metrics")).json()
    assert metrics["sts"]["GetCallerIdentity"]["count"] == 3
    assert metrics["sts"]["GetCallerIdentity"]["errors"] == 0


async def test_services_endpoint_lists_what_is_implemented(http: httpx.AsyncClient) -> None:
    assert (await http.get("/_skybus/services")).json()["sts"] == ["GetCallerIdentity"]


class _Hooks(Service):
    name = "demo-hooks"

    def routes(self) -> list[Route]:
        async def hello(request: HttpRequest) -> HttpResponse:
            return HttpResponse(200, [("Content-Type", "text/plain")], b"hello " + request.body)

        async def broken(request: HttpRequest) -> HttpResponse:
            raise RuntimeError("boom")

        return [Route("POST", "/hooks/hello", hello), Route("GET", "/hooks/broken/", broken)]


async def test_services_serve_plain_http_routes(node: Node, http: httpx.AsyncClient) -> None:
    node._services = ServiceRegistry(node, {**discover(), "demo-hooks": _Hooks})
    response = await http.post("/hooks/hello", content=b"you")
    assert response.status_code == 200
    assert response.text == "hello you"
    broken = await http.get("/hooks/broken/anything")
    assert broken.status_code == 500
    assert b"boom" not in broken.content
    # Other paths still reach the AWS pipeline.
    assert (await http.post("/hooks/other")).status_code == 400
