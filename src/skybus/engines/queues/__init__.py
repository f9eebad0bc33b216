"""Queues: SQS-compatible standard and FIFO queues, durable on either store backend.

Topic subscriptions of protocol ``sqs``, dead-letter queues of other engines and queue-triggered
functions all land here. :class:`QueuesEngine` is the entry point; :class:`Caller` says who is
asking.
"""

from skybus.engines.queues.engine import QueuesEngine
from skybus.engines.queues.resolve import Caller

__all__ = ["Caller", "QueuesEngine"]
