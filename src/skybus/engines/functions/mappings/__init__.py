"""Event source mappings: Lambda polling a queue (or, later, a stream) and invoking a function
with batches of its records.

The API side (:mod:`.control`) keeps mappings in the store; every node runs a poller per enabled
mapping (:mod:`.supervisor`, :mod:`.poller`). A poller knows nothing about where records come
from: a :class:`~.source.Source` yields batches and settles them once the function has answered,
and :mod:`.sqs_source` is the SQS one.
"""
