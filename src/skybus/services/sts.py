"""AWS STS: the identity of the caller. Tools and test suites call GetCallerIdentity first."""

from __future__ import annotations

from skybus.services.base import Call, Params, Result, Service, operation


class StsService(Service):
    name = "sts"

    @operation("GetCallerIdentity")
    async def get_caller_identity(self, call: Call, params: Params) -> Result:
        # Every configured key acts as its account's root principal.
        return {
            "UserId": call.account,
            "Account": call.account,
            "Arn": f"arn:aws:iam::{call.account}:root",
        }
