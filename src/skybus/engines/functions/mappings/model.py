"""What an event source mapping is, how it is stored, and the states it goes through.

A mapping is one record keyed ``account:region:uuid`` (AWS scopes UUIDs to an account and
region). A second space holds one key per (source, function) pair, inserted in the same
transaction as the mapping, so that two concurrent creates of the same pair cannot both succeed
on either store backend.

States follow Lambda: a new mapping is ``Creating`` (``Disabled`` when created disabled), an
update makes it ``Enabling``, ``Disabling`` or ``Updating``, a delete ``Deleting``. The nodes'
supervisors move it on to ``Enabled`` / ``Disabled`` once their pollers follow the change, and
remove a ``Deleting`` mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skybus.engines.functions.arns import FunctionRef
from skybus.store.records import Records

CREATING = "Creating"
ENABLING = "Enabling"
ENABLED = "Enabled"
DISABLING = "Disabling"
DISABLED = "Disabled"
UPDATING = "Updating"
DELETING = "Deleting"

#: States that last only until the supervisors have caught up.
TRANSITIONAL = frozenset({CREATING, ENABLING, DISABLING, UPDATING, DELETING})

USER_INITIATED = "USER_INITIATED"
REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures"

#: The kinds of event source this build polls.
SQS = "sqs"


@dataclass(slots=True)
class Mapping:
    uuid: str
    account: str
    region: str
    kind: str
    source_arn: str
    function_name: str
    qualifier: str | None
    function_arn: str
    """As the mapping shows it: qualified when FunctionName named a version or alias."""
    batch_size: int
    window: int
    """MaximumBatchingWindowInSeconds."""
    enabled: bool
    state: str
    last_modified: float
    revision: int = 1
    """Grows with every change of configuration; pollers restart when it changes."""
    response_types: list[str] = field(default_factory=list)
    max_concurrency: int | None = None
    reason: str = USER_INITIATED
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return mapping_key(self.account, self.region, self.uuid)

    @property
    def pair_key(self) -> bytes:
        return pair_key(self.account, self.region, self.source_arn, self.function_arn)

    @property
    def function(self) -> FunctionRef:
        return FunctionRef(self.account, self.region, self.function_name, self.qualifier)

    @property
    def arn(self) -> str:
        return mapping_arn(self.region, self.account, self.uuid)

    @property
    def reports_item_failures(self) -> bool:
        return REPORT_BATCH_ITEM_FAILURES in self.response_types

    def settled_state(self) -> str:
        """Where a transitional state ends."""
        return ENABLED if self.enabled else DISABLED


MAPPINGS = Records("lambda.mappings", Mapping)
#: (source, function) pairs already mapped: value is the mapping's UUID.
PAIRS = "lambda.mapping_pairs"


def mapping_key(account: str, region: str, uuid: str) -> str:
    return f"{account}:{region}:{uuid}"


def scope_prefix(account: str, region: str) -> str:
    return f"{account}:{region}:"


def pair_key(account: str, region: str, source_arn: str, function_arn: str) -> bytes:
    return f"{account}:{region}:{source_arn}\x00{function_arn}".encode()


def mapping_arn(region: str, account: str, uuid: str) -> str:
    return f"arn:aws:lambda:{region}:{account}:event-source-mapping:{uuid}"
