"""What the queues engine keeps in the store, and where.

* ``sqs.queues``: one :class:`QueueRecord` per queue, keyed ``region/account/name``;
* standard queues' messages are jobs of the store's work queue ``sqs.<id>``: a send is an
  enqueue, a receive a claim whose lease token goes into the receipt handle, a delete an ack with
  it, and the job's claim count is the message's receive count;
* ``sqs.<id>.first``: when each message of a standard queue was first received;
* FIFO queues keep their messages in spaces of their own, see :mod:`.fifo_layout`;
* ``sqs.tasks``: message move tasks, see :mod:`.moves`.

Every queue gets a fresh random id when it is created, so a queue deleted and created again under
the same name never sees its predecessor's messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skybus.engines.queues.attributes import QueueConfig
from skybus.engines.queues.naming import QueueName
from skybus.store import Records


@dataclass(slots=True)
class QueueRecord:
    id: str
    name: str
    account: str
    region: str
    fifo: bool
    created: int
    """Epoch seconds."""
    modified: int
    attributes: dict[str, str]
    """Settable attributes in AWS's string form, defaults included."""
    tags: dict[str, str] = field(default_factory=dict)
    purged_at: float = 0.0

    @property
    def address(self) -> QueueName:
        return QueueName(self.region, self.account, self.name)


QUEUES = Records("sqs.queues", QueueRecord)


@dataclass(frozen=True, slots=True)
class Queue:
    """A queue as one operation sees it: its record and the parsed attributes."""

    record: QueueRecord
    config: QueueConfig

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def fifo(self) -> bool:
        return self.record.fifo

    @property
    def arn(self) -> str:
        return self.record.address.arn

    @property
    def jobs(self) -> str:
        """The work queue holding a standard queue's messages."""
        return jobs_queue(self.record.id)

    @property
    def first_receives(self) -> str:
        return f"sqs.{self.record.id}.first"


def jobs_queue(queue_id: str) -> str:
    return f"sqs.{queue_id}"
