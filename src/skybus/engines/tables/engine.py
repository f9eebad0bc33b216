"""The tables engine: one per node, the entry point of every DynamoDB operation.

Operations take the caller's account and region and the parsed request, and return the output
shaped as botocore's output shape, so the DynamoDB service module stays a list of one-liners.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from skybus.engines import Engine
from skybus.engines.tables.batch import BatchOps
from skybus.engines.tables.catalog import Catalog
from skybus.engines.tables.compiled import CompiledCache
from skybus.engines.tables.items import ItemOps
from skybus.engines.tables.query import QueryOps

if TYPE_CHECKING:
    from skybus.node import Node

Params = dict[str, Any]
Result = dict[str, Any]


class TablesEngine(Engine):
    def __init__(self, node: Node) -> None:
        super().__init__(node)
        self.catalog = Catalog(node)
        self.compiled = CompiledCache()
        self.items = ItemOps(node, self.catalog, self.compiled)
        self.batches = BatchOps(node, self.catalog, self.compiled)
        self.queries = QueryOps(node, self.catalog, self.compiled)

    async def start(self) -> None:
        await self.catalog.backfills.resume_all()

    async def stop(self) -> None:
        await self.catalog.backfills.stop()

    # Tables.

    async def create_table(self, account: str, region: str, params: Params) -> Result:
        return await self.catalog.create(account, region, params)

    async def describe_table(self, account: str, region: str, params: Params) -> Result:
        return await self.catalog.describe(account, region, params)

    async def list_tables(self, account: str, region: str, params: Params) -> Result:
        return await self.catalog.list(account, region, params)

    async def delete_table(self, account: str, region: str, params: Params) -> Result:
        return await self.catalog.delete(account, region, params)

    async def update_table(self, account: str, region: str, params: Params) -> Result:
        return await self.catalog.update(account, region, params)

    async def tag_resource(self, params: Params) -> Result:
        return await self.catalog.tag(params)

    async def untag_resource(self, params: Params) -> Result:
        return await self.catalog.untag(params)

    async def list_tags_of_resource(self, params: Params) -> Result:
        return await self.catalog.list_tags(params)

    # Items.

    async def put_item(self, account: str, region: str, params: Params) -> Result:
        return await self.items.put(account, region, params)

    async def get_item(self, account: str, region: str, params: Params) -> Result:
        return await self.items.get(account, region, params)

    async def update_item(self, account: str, region: str, params: Params) -> Result:
        return await self.items.update(account, region, params)

    async def delete_item(self, account: str, region: str, params: Params) -> Result:
        return await self.items.delete(account, region, params)

    async def batch_get_item(self, account: str, region: str, params: Params) -> Result:
        return await self.batches.get(account, region, params)

    async def batch_write_item(self, account: str, region: str, params: Params) -> Result:
        return await self.batches.write(account, region, params)

    # Query and Scan.

    async def query(self, account: str, region: str, params: Params) -> Result:
        return await self.queries.query(account, region, params)

    async def scan(self, account: str, region: str, params: Params) -> Result:
        return await self.queries.scan(account, region, params)
