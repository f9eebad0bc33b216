"""Run a node under uvicorn (uvloop, httptools) and print what a user needs to reach it.

SIGINT and SIGTERM are handled by uvicorn: it stops accepting connections, lets in-flight requests
finish, then the lifespan shutdown closes the node, which flushes the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator

import uvicorn

from skybus.config import Settings
from skybus.node import Node
from skybus.server.app import SkybusApp

#: Seconds in-flight requests get to finish after SIGINT/SIGTERM.
GRACEFUL_SHUTDOWN_SECONDS = 10

log = logging.getLogger("skybus")


class InsecureBind(SystemExit):
    pass


class _Server(uvicorn.Server):
    """uvicorn's server, but a SIGINT/SIGTERM tells the node at once (so long polls return
    rather than hold the shutdown) and ends in a normal exit once shutdown is done, rather than
    the signal being raised again at the process."""

    def __init__(self, config: uvicorn.Config, node: Node) -> None:
        super().__init__(config)
        self.node = node

    def handle_exit(self, sig: int, frame: object) -> None:
        if self.node.started_at is not None:
            self.node.begin_stop()
        super().handle_exit(sig, frame)  # type: ignore[arg-type]

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        handled = (signal.SIGINT, signal.SIGTERM)
        for sig in handled:
            loop.add_signal_handler(sig, self.handle_exit, sig, None)
        try:
            yield
        finally:
            for sig in handled:
                loop.remove_signal_handler(sig)


def check_bind(settings: Settings, node: Node) -> None:
    if settings.binds_loopback_only or settings.insecure or node.credentials.configured:
        return
    raise InsecureBind(
        f"Refusing to listen on {settings.host} without credentials: anyone who can reach it "
        "could use this Skybus. Configure credentials (SKYBUS_CREDENTIALS or "
        "--credentials-file), or pass --insecure to accept unsigned requests from the network."
    )


def banner(settings: Settings, node: Node) -> str:
    endpoint = settings.endpoint
    if node.credentials.configured:
        key = node.credentials.key_ids()[0]
        creds = (
            f"export AWS_ACCESS_KEY_ID={key} AWS_SECRET_ACCESS_KEY=<its secret> "
            f"AWS_DEFAULT_REGION={settings.region}"
        )
    else:
        creds = (
            "export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test "
            f"AWS_DEFAULT_REGION={settings.region}"
        )
    store = node.store.backend
    return "\n".join(
        [
            f"Skybus {node.version} is listening on {endpoint} (store: {store}, "
            f"data: {settings.data_dir})",
            f"export AWS_ENDPOINT_URL={endpoint}",
            creds,
        ]
    )


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


async def serve(
    settings: Settings, *, on_ready: Callable[[Node], Awaitable[None]] | None = None
) -> None:
    node = Node(settings)
    check_bind(settings, node)
    config = uvicorn.Config(
        SkybusApp(node),
        host=settings.host,
        port=settings.port,
        loop="uvloop" if sys.platform != "win32" else "asyncio",
        http="httptools",
        ws="websockets-sansio",
        lifespan="on",
        access_log=False,
        log_level="warning",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        server_header=False,
        date_header=True,
    )
    server = _Server(config, node)

    async def announce() -> None:
        while not server.started:
            if server.should_exit:
                return
            await asyncio.sleep(0.02)
        if on_ready is not None:
            await on_ready(node)
        print(banner(settings, node), flush=True)

    announcer = asyncio.create_task(announce())
    try:
        await server.serve()
    finally:
        announcer.cancel()
    if not server.started:
        raise SystemExit(1)
    print("Skybus stopped: in-flight requests finished and the store is closed.", flush=True)


def run(settings: Settings, *, on_ready: Callable[[Node], Awaitable[None]] | None = None) -> None:
    configure_logging(settings.log_level)
    if sys.platform != "win32":
        import uvloop

        uvloop.run(serve(settings, on_ready=on_ready))
    else:
        asyncio.run(serve(settings, on_ready=on_ready))
