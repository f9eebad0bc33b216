"""AWS Lambda: functions, versions, aliases, permissions, concurrency, event invoke configs and
Invoke. Thin: names are parsed here, everything else happens in the functions engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from skybus.engines.functions import arns, errors
from skybus.engines.functions.engine import FunctionsEngine
from skybus.engines.functions.mappings.engine import MappingsEngine
from skybus.services.base import Call, Params, Result, Service, operation

if TYPE_CHECKING:
    from skybus.node import Node


def _ref(call: Call, params: Params) -> arns.FunctionRef:
    return arns.parse(params["FunctionName"], call.account, call.region, params.get("Qualifier"))


class LambdaService(Service):
    name = "lambda"

    def __init__(self, node: Node) -> None:
        super().__init__(node)
        self.engine = node.engine(FunctionsEngine)
        self.mappings = node.engine(MappingsEngine)

    # functions -------------------------------------------------------------------------------

    @operation("CreateFunction")
    async def create_function(self, call: Call, params: Params) -> Result:
        ref = arns.parse(params["FunctionName"], call.account, call.region)
        if ref.qualifier is not None:
            raise errors.invalid(
                "Function name can not contain a qualifier; use PublishVersion or CreateAlias."
            )
        return await self.engine.catalog.create(ref, params)

    @operation("GetFunction")
    async def get_function(self, call: Call, params: Params) -> Result:
        return await self.engine.catalog.get(_ref(call, params))

    @operation("GetFunctionConfiguration")
    async def get_function_configuration(self, call: Call, params: Params) -> Result:
        return await self.engine.catalog.get_configuration(_ref(call, params))

    @operation("ListFunctions")
    async def list_functions(self, call: Call, params: Params) -> Result:
        return await self.engine.catalog.list(
            call.account,
            call.region,
            params.get("Marker"),
            params.get("MaxItems"),
            params.get("FunctionVersion") == "ALL",
        )

    @operation("UpdateFunctionCode")
    async def update_function_code(self, call: Call, params: Params) -> Result:
        return await self.engine.catalog.update_code(_ref(call, params), params)

    @operation("UpdateFunctionConfiguration")
    async def update_function_configuration(self, call: Call, params: Params) -> Result:
        return await self.engine.catalog.update_configuration(_ref(call, params), params)

    @operation("DeleteFunction")
    async def delete_function(self, call: Call, params: Params) -> Result:
        ref = _ref(call, params)
        await self.engine.catalog.delete(ref)
        await self.engine.deleted(ref)
        return {"StatusCode": 204}

    @operation("PublishVersion")
    async def publish_version(self, call: Call, params: Params) -> Result:
        return await self.engine.catalog.publish(_ref(call, params), params)

    @operation("ListVersionsByFunction")
    async def list_versions_by_function(self, call: Call, params: Params) -> Result:
        return await self.engine.catalog.list_versions(
            _ref(call, params), params.get("Marker"), params.get("MaxItems")
        )

    # aliases ---------------------------------------------------------------------------------

    @operation("CreateAlias")
    async def create_alias(self, call: Call, params: Params) -> Result:
        return await self.engine.aliases.create(_ref(call, params), params)

    @operation("GetAlias")
    async def get_alias(self, call: Call, params: Params) -> Result:
        return await self.engine.aliases.get(_ref(call, params), params["Name"])

    @operation("ListAliases")
    async def list_aliases(self, call: Call, params: Params) -> Result:
        return await self.engine.aliases.list(
            _ref(call, params),
            params.get("FunctionVersion"),
            params.get("Marker"),
            params.get("MaxItems"),
        )

    @operation("UpdateAlias")
    async def update_alias(self, call: Call, params: Params) -> Result:
        return await self.engine.aliases.update(_ref(call, params), params["Name"], params)

    @operation("DeleteAlias")
    async def delete_alias(self, call: Call, params: Params) -> Result:
        ref = _ref(call, params)
        await self.engine.aliases.delete(ref, params["Name"])
        return {}

    # permissions -----------------------------------------------------------------------------

    @operation("AddPermission")
    async def add_permission(self, call: Call, params: Params) -> Result:
        return await self.engine.permissions.add(_ref(call, params), params)

    @operation("RemovePermission")
    async def remove_permission(self, call: Call, params: Params) -> Result:
        await self.engine.permissions.remove(
            _ref(call, params), params["StatementId"], params.get("RevisionId")
        )
        return {}

    @operation("GetPolicy")
    async def get_policy(self, call: Call, params: Params) -> Result:
        return await self.engine.permissions.get(_ref(call, params))

    # concurrency -----------------------------------------------------------------------------

    @operation("PutFunctionConcurrency")
    async def put_function_concurrency(self, call: Call, params: Params) -> Result:
        return await self.engine.account.put_concurrency(
            _ref(call, params), params["ReservedConcurrentExecutions"]
        )

    @operation("GetFunctionConcurrency")
    async def get_function_concurrency(self, call: Call, params: Params) -> Result:
        return await self.engine.account.get_concurrency(_ref(call, params))

    @operation("DeleteFunctionConcurrency")
    async def delete_function_concurrency(self, call: Call, params: Params) -> Result:
        await self.engine.account.delete_concurrency(_ref(call, params))
        return {}

    # event invoke configs --------------------------------------------------------------------

    @operation("PutFunctionEventInvokeConfig")
    async def put_function_event_invoke_config(self, call: Call, params: Params) -> Result:
        return await self.engine.event_configs.put(_ref(call, params), params, merge=False)

    @operation("UpdateFunctionEventInvokeConfig")
    async def update_function_event_invoke_config(self, call: Call, params: Params) -> Result:
        return await self.engine.event_configs.put(_ref(call, params), params, merge=True)

    @operation("GetFunctionEventInvokeConfig")
    async def get_function_event_invoke_config(self, call: Call, params: Params) -> Result:
        return await self.engine.event_configs.get(_ref(call, params))

    @operation("DeleteFunctionEventInvokeConfig")
    async def delete_function_event_invoke_config(self, call: Call, params: Params) -> Result:
        await self.engine.event_configs.delete(_ref(call, params))
        return {}

    @operation("ListFunctionEventInvokeConfigs")
    async def list_function_event_invoke_configs(self, call: Call, params: Params) -> Result:
        return await self.engine.event_configs.list(
            _ref(call, params), params.get("Marker"), params.get("MaxItems")
        )

    # tags and account ------------------------------------------------------------------------

    @operation("TagResource")
    async def tag_resource(self, call: Call, params: Params) -> Result:
        await self.engine.account.tag(call.account, call.region, params["Resource"], params["Tags"])
        return {}

    @operation("UntagResource")
    async def untag_resource(self, call: Call, params: Params) -> Result:
        await self.engine.account.untag(
            call.account, call.region, params["Resource"], params["TagKeys"]
        )
        return {}

    @operation("ListTags")
    async def list_tags(self, call: Call, params: Params) -> Result:
        return await self.engine.account.list_tags(call.account, call.region, params["Resource"])

    @operation("GetAccountSettings")
    async def get_account_settings(self, call: Call, params: Params) -> Result:
        return await self.engine.account.account_settings(call.account, call.region)

    # invoke ----------------------------------------------------------------------------------

    @operation("Invoke")
    async def invoke(self, call: Call, params: Params) -> Result:
        return await self.engine.invoke(_ref(call, params), params, call.request_id)

    @operation("InvokeAsync")
    async def invoke_async(self, call: Call, params: Params) -> Result:
        event = {"InvocationType": "Event", "Payload": params.get("InvokeArgs") or b""}
        await self.engine.invoke(_ref(call, params), event, call.request_id)
        return {"Status": 202}

    # event source mappings -------------------------------------------------------------------

    @operation("CreateEventSourceMapping")
    async def create_event_source_mapping(self, call: Call, params: Params) -> Result:
        return await self.mappings.create(call.account, call.region, params)

    @operation("GetEventSourceMapping")
    async def get_event_source_mapping(self, call: Call, params: Params) -> Result:
        return await self.mappings.get(call.account, call.region, params["UUID"])

    @operation("ListEventSourceMappings")
    async def list_event_source_mappings(self, call: Call, params: Params) -> Result:
        return await self.mappings.list(call.account, call.region, params)

    @operation("UpdateEventSourceMapping")
    async def update_event_source_mapping(self, call: Call, params: Params) -> Result:
        return await self.mappings.update(call.account, call.region, params)

    @operation("DeleteEventSourceMapping")
    async def delete_event_source_mapping(self, call: Call, params: Params) -> Result:
        return await self.mappings.delete(call.account, call.region, params["UUID"])
