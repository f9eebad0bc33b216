"""What the store keeps about each table, and where.

A table's definition is one :class:`TableMeta` record in ``ddb.tables``, keyed by
``account/region/name`` so that ListTables is a prefix scan in name order (table names cannot
contain ``/``). The items of a table live in their own space, ``ddb:<table id>``; the id is new
for every CreateTable, so a table deleted and created again under the same name never sees the
old items, and DeleteTable drops the whole space at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from skybus.store.records import Records

#: Key attribute types DynamoDB accepts in AttributeDefinitions.
KEY_TYPES = ("S", "N", "B")

PROVISIONED = "PROVISIONED"
PAY_PER_REQUEST = "PAY_PER_REQUEST"


@dataclass(slots=True)
class KeyPart:
    """One key attribute: its name and scalar type (S, N or B)."""

    name: str
    type: str


@dataclass(slots=True)
class Throughput:
    read: int = 0
    write: int = 0
    last_increase: float | None = None
    last_decrease: float | None = None
    decreases: int = 0
    """Decreases on :attr:`decrease_day` (days since the epoch, UTC)."""
    decrease_day: int = 0


@dataclass(slots=True)
class IndexMeta:
    """A secondary index: its own key, what it projects, and the space its entries live in
    (``ddbi:<table id>/<index id>``)."""

    name: str
    id: str
    local: bool
    hash_key: KeyPart
    range_key: KeyPart | None
    projection: str
    """ALL, KEYS_ONLY or INCLUDE."""
    non_key: list[str] = field(default_factory=list)
    throughput: Throughput = field(default_factory=Throughput)
    status: str = "ACTIVE"
    """CREATING while an index added by UpdateTable is being filled, then ACTIVE."""
    backfilling: bool = False

    @property
    def key_names(self) -> tuple[str, ...]:
        if self.range_key is None:
            return (self.hash_key.name,)
        return (self.hash_key.name, self.range_key.name)


@dataclass(slots=True)
class TableMeta:
    name: str
    account: str
    region: str
    id: str
    created: float
    hash_key: KeyPart
    range_key: KeyPart | None
    attributes: list[KeyPart]
    """AttributeDefinitions, in the order given."""
    billing_mode: str = PROVISIONED
    billing_explicit: bool = False
    """Whether BillingMode was ever given (AWS reports BillingModeSummary only then)."""
    pay_per_request_since: float | None = None
    throughput: Throughput = field(default_factory=Throughput)
    tags: dict[str, str] = field(default_factory=dict)
    deletion_protection: bool = False
    table_class: str | None = None
    indexes: list[IndexMeta] = field(default_factory=list)

    @property
    def arn(self) -> str:
        return table_arn(self.region, self.account, self.name)

    @property
    def space(self) -> str:
        return item_space(self.id)

    @property
    def key_names(self) -> tuple[str, ...]:
        if self.range_key is None:
            return (self.hash_key.name,)
        return (self.hash_key.name, self.range_key.name)

    def index(self, name: str) -> IndexMeta | None:
        for index in self.indexes:
            if index.name == name:
                return index
        return None

    def index_space(self, index: IndexMeta) -> str:
        return f"ddbi:{self.id}/{index.id}"


TABLES = Records("ddb.tables", TableMeta)

STATS_SPACE = "ddb.stats"
"""Item count and size per table, as a few counter shards keyed ``<table id>/<shard>``."""


def table_key(account: str, region: str, name: str) -> str:
    return f"{account}/{region}/{name}"


def region_prefix(account: str, region: str) -> str:
    return f"{account}/{region}/"


def item_space(table_id: str) -> str:
    return f"ddb:{table_id}"


def table_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:dynamodb:{region}:{account}:table/{name}"


_ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:([^:]+):(\d+):table/([^/]+)(/.*)?")


@dataclass(frozen=True, slots=True)
class TableRef:
    """Where a TableName or ResourceArn points: a table name in an account and region."""

    account: str
    region: str
    name: str
    arn: str | None = None
    """The ARN as given, when the caller named the table by ARN."""
    rest: str = ""
    """What follows the table name in the ARN (``/index/x``, ``/stream/...``)."""


def parse_arn(arn: str) -> TableRef | None:
    match = _ARN.fullmatch(arn)
    if match is None:
        return None
    region, account, name, rest = match.groups()
    return TableRef(account, region, name, arn, rest or "")
