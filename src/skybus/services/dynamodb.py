"""Amazon DynamoDB: tables and items, served by the tables engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from skybus import limits
from skybus.engines.tables.engine import TablesEngine
from skybus.services.base import Call, Params, Result, Service, operation

if TYPE_CHECKING:
    from skybus.node import Node


class DynamoDBService(Service):
    name = "dynamodb"

    def __init__(self, node: Node) -> None:
        super().__init__(node)
        self.tables = node.engine(TablesEngine)

    @operation("DescribeLimits")
    async def describe_limits(self, call: Call, params: Params) -> Result:
        return {
            "AccountMaxReadCapacityUnits": limits.DDB_ACCOUNT_MAX_READ_CAPACITY_UNITS,
            "AccountMaxWriteCapacityUnits": limits.DDB_ACCOUNT_MAX_WRITE_CAPACITY_UNITS,
            "TableMaxReadCapacityUnits": limits.DDB_TABLE_MAX_READ_CAPACITY_UNITS,
            "TableMaxWriteCapacityUnits": limits.DDB_TABLE_MAX_WRITE_CAPACITY_UNITS,
        }

    @operation("DescribeEndpoints")
    async def describe_endpoints(self, call: Call, params: Params) -> Result:
        # Clients that discover endpoints are sent back to the address they used.
        address = call.endpoint.split("://", 1)[-1]
        return {"Endpoints": [{"Address": address, "CachePeriodInMinutes": 1440}]}

    # Tables.

    @operation("CreateTable")
    async def create_table(self, call: Call, params: Params) -> Result:
        return await self.tables.create_table(call.account, call.region, params)

    @operation("DescribeTable")
    async def describe_table(self, call: Call, params: Params) -> Result:
        return await self.tables.describe_table(call.account, call.region, params)

    @operation("ListTables")
    async def list_tables(self, call: Call, params: Params) -> Result:
        return await self.tables.list_tables(call.account, call.region, params)

    @operation("DeleteTable")
    async def delete_table(self, call: Call, params: Params) -> Result:
        return await self.tables.delete_table(call.account, call.region, params)

    @operation("UpdateTable")
    async def update_table(self, call: Call, params: Params) -> Result:
        return await self.tables.update_table(call.account, call.region, params)

    @operation("TagResource")
    async def tag_resource(self, call: Call, params: Params) -> Result:
        return await self.tables.tag_resource(params)

    @operation("UntagResource")
    async def untag_resource(self, call: Call, params: Params) -> Result:
        return await self.tables.untag_resource(params)

    @operation("ListTagsOfResource")
    async def list_tags_of_resource(self, call: Call, params: Params) -> Result:
        return await self.tables.list_tags_of_resource(params)

    # Items.

    @operation("PutItem")
    async def put_item(self, call: Call, params: Params) -> Result:
        return await self.tables.put_item(call.account, call.region, params)

    @operation("GetItem")
    async def get_item(self, call: Call, params: Params) -> Result:
        return await self.tables.get_item(call.account, call.region, params)

    @operation("UpdateItem")
    async def update_item(self, call: Call, params: Params) -> Result:
        return await self.tables.update_item(call.account, call.region, params)

    @operation("DeleteItem")
    async def delete_item(self, call: Call, params: Params) -> Result:
        return await self.tables.delete_item(call.account, call.region, params)

    @operation("BatchGetItem")
    async def batch_get_item(self, call: Call, params: Params) -> Result:
        return await self.tables.batch_get_item(call.account, call.region, params)

    @operation("BatchWriteItem")
    async def batch_write_item(self, call: Call, params: Params) -> Result:
        return await self.tables.batch_write_item(call.account, call.region, params)

    @operation("Query")
    async def query(self, call: Call, params: Params) -> Result:
        return await self.tables.query(call.account, call.region, params)

    @operation("Scan")
    async def scan(self, call: Call, params: Params) -> Result:
        return await self.tables.scan(call.account, call.region, params)
