"""Amazon DynamoDB. Table and item operations arrive with the tables engine; what answers
today needs no stored state."""

from __future__ import annotations

from skybus import limits
from skybus.services.base import Call, Params, Result, Service, operation


class DynamoDBService(Service):
    name = "dynamodb"

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
