"""Amazon CloudWatch Logs: the operations tools use to create, read and follow logs.

Log groups are named in requests either by ``logGroupName`` or by ``logGroupIdentifier`` (a name
or an ARN); groups of other accounts and regions are not reachable (Skybus has no cross-account
observability), so their ARNs answer ResourceNotFoundException.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from skybus import limits
from skybus.engines.logs import LogsEngine
from skybus.engines.logs.errors import (
    group_not_found,
    invalid,
    name_and_arn,
    name_or_arn_missing,
)
from skybus.engines.logs.groups import GroupInfo
from skybus.engines.logs.records import LogStream
from skybus.services.base import Call, Params, Result, Service, operation
from skybus.wire.errors import ServiceError
from skybus.wire.violations import Violation, validation_error

if TYPE_CHECKING:
    from skybus.node import Node


def group_arn(call: Call, name: str) -> str:
    return f"arn:aws:logs:{call.region}:{call.account}:log-group:{name}"


def _arn_group_name(call: Call, arn: str) -> str:
    """The group a log-group ARN names in the caller's account and region. (The ARN form with a
    trailing ``:*`` never gets here: the model's patterns refuse ``*`` in identifiers.)"""
    parts = arn.split(":")
    if len(parts) != 7 or parts[:3] != ["arn", "aws", "logs"] or not parts[6]:
        raise invalid(f"Invalid ARN: {arn}")
    if parts[5] != "log-group" or parts[3] != call.region or parts[4] != call.account:
        raise group_not_found()
    return parts[6]


def group_of(call: Call, params: Params) -> str:
    """The group named by ``logGroupName`` or ``logGroupIdentifier`` (exactly one)."""
    name = params.get("logGroupName")
    identifier = params.get("logGroupIdentifier")
    if name is not None and identifier is not None:
        raise name_and_arn()
    if name is not None:
        return str(name)
    if identifier is None:
        raise name_or_arn_missing()
    if identifier.startswith("arn:"):
        return _arn_group_name(call, identifier)
    return str(identifier)


def _group_view(call: Call, info: GroupInfo) -> Result:
    group = info.group
    arn = group_arn(call, group.name)
    view: Result = {
        "logGroupName": group.name,
        "creationTime": group.created_ms,
        "metricFilterCount": 0,
        "arn": f"{arn}:*",
        "logGroupArn": arn,
        "logGroupClass": group.group_class,
    }
    if info.stored_bytes is not None:
        view["storedBytes"] = info.stored_bytes
        view["deletionProtectionEnabled"] = group.deletion_protection
        if group.retention_days is not None:
            view["retentionInDays"] = group.retention_days
    return view


def _stream_view(group_arn_text: str, stream: LogStream) -> Result:
    view: Result = {
        "logStreamName": stream.name,
        "creationTime": stream.created_ms,
        "arn": f"{group_arn_text}:log-stream:{stream.name}",
        # "As of June 17, 2019, this parameter is no longer supported for log streams, and is
        # always reported as zero."
        "storedBytes": 0,
    }
    if stream.first_event_ms is not None:
        view["firstEventTimestamp"] = stream.first_event_ms
    if stream.last_event_ms is not None:
        view["lastEventTimestamp"] = stream.last_event_ms
    if stream.last_ingestion_ms is not None:
        view["lastIngestionTime"] = stream.last_ingestion_ms
    return view


def _check_retention(days: int) -> None:
    if days not in limits.LOGS_RETENTION_DAYS:
        allowed = ", ".join(str(d) for d in limits.LOGS_RETENTION_DAYS)
        raise validation_error(
            "logs",
            [
                Violation(
                    "retentionInDays", days, f"Member must satisfy enum value set: [{allowed}]"
                )
            ],
        )


class LogsService(Service):
    name = "logs"

    def __init__(self, node: Node) -> None:
        super().__init__(node)
        self.logs = node.engine(LogsEngine)

    # --- Groups ----------------------------------------------------------------------------

    @operation("CreateLogGroup")
    async def create_log_group(self, call: Call, params: Params) -> Result:
        if params.get("kmsKeyId") is not None:
            # AWS refuses keys that do not exist or cannot be used; Skybus has no KMS, so no
            # key can be, and log data is never stored encrypted with one.
            raise invalid(
                f"The KMS key {params['kmsKeyId']} cannot be used: Skybus has no KMS and does "
                "not encrypt log groups with customer keys."
            )
        await self.logs.create_group(
            call.account,
            call.region,
            params["logGroupName"],
            tags=params.get("tags"),
            group_class=params.get("logGroupClass", "STANDARD"),
            deletion_protection=bool(params.get("deletionProtectionEnabled", False)),
        )
        return {}

    @operation("DeleteLogGroup")
    async def delete_log_group(self, call: Call, params: Params) -> Result:
        await self.logs.delete_group(call.account, call.region, params["logGroupName"])
        return {}

    @operation("DescribeLogGroups")
    async def describe_log_groups(self, call: Call, params: Params) -> Result:
        identifiers = params.get("logGroupIdentifiers")
        names = None
        if identifiers is not None:
            if params.get("logGroupNamePrefix") is not None or params.get("logGroupNamePattern"):
                # AWS's wording is not recorded.
                raise invalid(
                    "logGroupIdentifiers cannot be combined with logGroupNamePrefix or "
                    "logGroupNamePattern."
                )
            names = [_arn_group_name(call, i) if i.startswith("arn:") else i for i in identifiers]
        page = await self.logs.describe_groups(
            call.account,
            call.region,
            prefix=params.get("logGroupNamePrefix"),
            pattern=params.get("logGroupNamePattern") or None,
            names=names,
            group_class=params.get("logGroupClass"),
            token=params.get("nextToken"),
            limit=params.get("limit"),
        )
        result: Result = {"logGroups": [_group_view(call, info) for info in page.groups]}
        if page.next_token is not None:
            result["nextToken"] = page.next_token
        return result

    @operation("PutRetentionPolicy")
    async def put_retention_policy(self, call: Call, params: Params) -> Result:
        days = params["retentionInDays"]
        _check_retention(days)
        await self.logs.put_retention(call.account, call.region, params["logGroupName"], days)
        return {}

    @operation("DeleteRetentionPolicy")
    async def delete_retention_policy(self, call: Call, params: Params) -> Result:
        await self.logs.delete_retention(call.account, call.region, params["logGroupName"])
        return {}

    @operation("PutLogGroupDeletionProtection")
    async def put_log_group_deletion_protection(self, call: Call, params: Params) -> Result:
        name = group_of(call, {"logGroupIdentifier": params["logGroupIdentifier"]})
        enabled = bool(params["deletionProtectionEnabled"])
        await self.logs.set_deletion_protection(call.account, call.region, name, enabled)
        return {}

    # --- Tags ------------------------------------------------------------------------------

    def _tagged_group(self, call: Call, arn: str) -> str:
        parts = arn.split(":")
        if len(parts) >= 6 and parts[5] == "destination":
            # Skybus has no log destinations.
            raise ServiceError(
                "ResourceNotFoundException", "The specified destination does not exist."
            )
        return _arn_group_name(call, arn)

    @operation("TagResource")
    async def tag_resource(self, call: Call, params: Params) -> Result:
        arn = params["resourceArn"]
        name = self._tagged_group(call, arn)
        await self.logs.tag_group(call.account, call.region, name, params["tags"], arn=arn)
        return {}

    @operation("UntagResource")
    async def untag_resource(self, call: Call, params: Params) -> Result:
        name = self._tagged_group(call, params["resourceArn"])
        await self.logs.untag_group(call.account, call.region, name, params["tagKeys"])
        return {}

    @operation("ListTagsForResource")
    async def list_tags_for_resource(self, call: Call, params: Params) -> Result:
        name = self._tagged_group(call, params["resourceArn"])
        return {"tags": await self.logs.group_tags(call.account, call.region, name)}

    @operation("TagLogGroup")
    async def tag_log_group(self, call: Call, params: Params) -> Result:
        name = params["logGroupName"]
        arn = group_arn(call, name)
        await self.logs.tag_group(call.account, call.region, name, params["tags"], arn=arn)
        return {}

    @operation("UntagLogGroup")
    async def untag_log_group(self, call: Call, params: Params) -> Result:
        await self.logs.untag_group(
            call.account, call.region, params["logGroupName"], params["tags"]
        )
        return {}

    @operation("ListTagsLogGroup")
    async def list_tags_log_group(self, call: Call, params: Params) -> Result:
        tags = await self.logs.group_tags(call.account, call.region, params["logGroupName"])
        return {"tags": tags}

    # --- Streams ---------------------------------------------------------------------------

    @operation("CreateLogStream")
    async def create_log_stream(self, call: Call, params: Params) -> Result:
        await self.logs.create_stream(
            call.account, call.region, params["logGroupName"], params["logStreamName"]
        )
        return {}

    @operation("DeleteLogStream")
    async def delete_log_stream(self, call: Call, params: Params) -> Result:
        await self.logs.delete_stream(
            call.account, call.region, params["logGroupName"], params["logStreamName"]
        )
        return {}

    @operation("DescribeLogStreams")
    async def describe_log_streams(self, call: Call, params: Params) -> Result:
        name = group_of(call, params)
        page = await self.logs.describe_streams(
            call.account,
            call.region,
            name,
            prefix=params.get("logStreamNamePrefix"),
            order_by=params.get("orderBy", "LogStreamName"),
            descending=bool(params.get("descending", False)),
            token=params.get("nextToken"),
            limit=params.get("limit"),
        )
        arn = group_arn(call, page.group.name)
        result: Result = {"logStreams": [_stream_view(arn, s) for s in page.streams]}
        if page.next_token is not None:
            result["nextToken"] = page.next_token
        return result

    # --- Events ----------------------------------------------------------------------------

    @operation("PutLogEvents")
    async def put_log_events(self, call: Call, params: Params) -> Result:
        events = [(e["timestamp"], e["message"]) for e in params["logEvents"]]
        outcome = await self.logs.put_log_events(
            call.account, call.region, params["logGroupName"], params["logStreamName"], events
        )
        # The sequence token is ignored on input nowadays, but AWS still returns one.
        result: Result = {"nextSequenceToken": f"{outcome.next_sequence:056d}"}
        if outcome.rejected is not None:
            result["rejectedLogEventsInfo"] = outcome.rejected.as_dict()
        return result

    @operation("GetLogEvents")
    async def get_log_events(self, call: Call, params: Params) -> Result:
        page = await self.logs.get_log_events(
            call.account,
            call.region,
            group_of(call, params),
            params["logStreamName"],
            start_ms=params.get("startTime"),
            end_ms=params.get("endTime"),
            token=params.get("nextToken"),
            limit=params.get("limit"),
            from_head=bool(params.get("startFromHead", False)),
        )
        return {
            "events": [
                {"timestamp": e.timestamp, "message": e.message, "ingestionTime": e.ingestion_time}
                for e in page.events
            ],
            "nextForwardToken": page.forward_token,
            "nextBackwardToken": page.backward_token,
        }

    @operation("FilterLogEvents")
    async def filter_log_events(self, call: Call, params: Params) -> Result:
        page = await self.logs.filter_log_events(
            call.account,
            call.region,
            group_of(call, params),
            pattern=params.get("filterPattern"),
            stream_names=params.get("logStreamNames"),
            stream_prefix=params.get("logStreamNamePrefix"),
            start_ms=params.get("startTime"),
            end_ms=params.get("endTime"),
            token=params.get("nextToken"),
            limit=params.get("limit"),
            from_head=bool(params.get("startFromHead", True)),
        )
        events: list[dict[str, Any]] = [
            {
                "logStreamName": e.stream,
                "timestamp": e.timestamp,
                "message": e.message,
                "ingestionTime": e.ingestion_time,
                "eventId": e.event_id,
            }
            for e in page.events
        ]
        # Every stream is searched interleaved (AWS ignores ``interleaved`` since 2019), so
        # there is no per-stream progress to report.
        result: Result = {"events": events, "searchedLogStreams": []}
        if page.next_token is not None:
            result["nextToken"] = page.next_token
        return result
