"""CloudWatch Logs: log groups, log streams and their events, kept in the store.

``LogsEngine`` is what the rest of Skybus uses (``node.engine(LogsEngine)``); the modules of
this package each hold one part of it.
"""

from __future__ import annotations

from skybus.engines.logs.engine import LogsEngine

__all__ = ["LogsEngine"]
