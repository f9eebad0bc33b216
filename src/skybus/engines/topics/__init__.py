"""Topics: SNS-compatible topics with durable, signed, retried delivery.

:class:`TopicsEngine` is the entry point; :class:`Caller` says who is asking. Filter policies
live in :mod:`.filters`.
"""

from skybus.engines.topics.caller import Caller
from skybus.engines.topics.engine import TopicsEngine

__all__ = ["Caller", "TopicsEngine"]
