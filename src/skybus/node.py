"""One Skybus node: settings, credentials, the store and the services, started and stopped
together. Several nodes may share one PostgreSQL store."""

from __future__ import annotations

import gc
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from skybus import __version__
from skybus.auth.credentials import Credentials
from skybus.auth.sigv4 import SigV4Verifier
from skybus.bus import Bus
from skybus.config import Settings
from skybus.engines import Engine
from skybus.metrics import Metrics
from skybus.services import ServiceRegistry
from skybus.store import Store, open_store
from skybus.wire.protocols import warm_wire_tables

E = TypeVar("E", bound=Engine)


def load_credentials(settings: Settings) -> Credentials:
    if settings.credentials_file is not None:
        return Credentials.from_file(settings.credentials_file)
    if settings.credentials_spec:
        return Credentials.from_env({"SKYBUS_CREDENTIALS": settings.credentials_spec})
    return Credentials.empty()


class Node:
    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.clock = clock
        self.node_id = uuid.uuid4().hex[:12]
        self.version = __version__
        self.credentials = load_credentials(settings)
        self.verifier = SigV4Verifier(self.credentials, default_region=settings.region)
        self.metrics = Metrics()
        self.bus = Bus()
        self._engines: dict[type[Engine], Engine] = {}
        self._store: Store | None = None
        self._services: ServiceRegistry | None = None
        self.started_at: float | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the node has not been started")
        return self._store

    @property
    def services(self) -> ServiceRegistry:
        if self._services is None:
            raise RuntimeError("the node has not been started")
        return self._services

    def engine(self, cls: type[E]) -> E:
        """The node's one instance of an engine class, created on first use (before start)."""
        found = self._engines.get(cls)
        if found is None:
            if self.started_at is not None:
                raise RuntimeError(f"{cls.__name__} was first asked for after the node started")
            found = self._engines[cls] = cls(self)
        assert isinstance(found, cls)
        return found

    async def start(self) -> None:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self._store = open_store(self.settings.store_url, self.settings.data_dir, clock=self.clock)
        await self._store.open()
        relay = self._store.relay(self.node_id)
        if relay is not None:
            await self.bus.attach(relay)
        self._services = ServiceRegistry(self)
        for engine in list(self._engines.values()):
            await engine.start()
        warm_wire_tables()
        # Everything loaded so far (botocore's models, the wire tables) lives as long as the
        # process: keep it out of the garbage collector's scans, which otherwise walk those
        # object graphs again and again under load.
        gc.collect()
        gc.freeze()
        self.started_at = time.monotonic()

    def begin_stop(self) -> None:
        """Shutdown has begun (SIGINT/SIGTERM): tell engines, so long waits end early."""
        for engine in reversed(list(self._engines.values())):
            engine.stopping()

    async def stop(self) -> None:
        for engine in reversed(list(self._engines.values())):
            await engine.stop()
        await self.bus.close()
        if self._store is not None:
            await self._store.close()
            self._store = None

    def uptime(self) -> float:
        return 0.0 if self.started_at is None else time.monotonic() - self.started_at
