"""Settings for one Skybus node, from the command line and the environment."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from skybus import limits


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 4566
    data_dir: Path = Path(".skybus")
    #: ``None`` selects SQLite in ``data_dir``; ``postgresql://...`` selects PostgreSQL.
    store_url: str | None = None
    credentials_file: Path | None = None
    #: ``KEYID:SECRET[,KEYID:SECRET...]``, as in ``SKYBUS_CREDENTIALS``.
    credentials_spec: str | None = None
    insecure: bool = False
    region: str = limits.DEFAULT_REGION
    #: The address clients reach this node at (queue URLs, SubscribeURL); derived from the
    #: request's Host header when unset.
    public_url: str | None = None
    log_level: str = "info"
    env: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = dict(os.environ if env is None else env)
        values: dict[str, object] = {
            "store_url": env.get("SKYBUS_STORE") or None,
            "credentials_spec": env.get("SKYBUS_CREDENTIALS") or None,
            "region": env.get("SKYBUS_REGION") or limits.DEFAULT_REGION,
            "public_url": env.get("SKYBUS_PUBLIC_URL") or None,
            "env": env,
        }
        if env.get("SKYBUS_DATA_DIR"):
            values["data_dir"] = Path(env["SKYBUS_DATA_DIR"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    @property
    def endpoint(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = self.host
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1"
        elif ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def binds_loopback_only(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False
