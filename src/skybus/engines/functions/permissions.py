"""Resource-based policies: AddPermission, RemovePermission and GetPolicy.

Statements are kept and reported exactly as Lambda writes them (``Principal`` as a ``Service``
or ``AWS`` principal, conditions for ``SourceArn``, ``SourceAccount``, ...). Skybus does not
authorize calls by them: every configured key acts as its account's root.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from skybus import limits
from skybus.engines.functions import errors, lookup
from skybus.engines.functions.arns import FunctionRef
from skybus.engines.functions.model import POLICIES, Policy, child_key
from skybus.store.contract import Store, Tx

Result = dict[str, Any]


class Permissions:
    def __init__(self, store: Callable[[], Store]) -> None:
        self._store = store

    async def add(self, ref: FunctionRef, params: dict[str, Any]) -> Result:
        statement = _statement(ref, params)

        async def write(tx: Tx) -> Result:
            await lookup.resolve(tx, ref)
            key = _key(ref)
            policy = await POLICIES.get(tx, key) or Policy([], lookup.new_revision())
            lookup.check_revision(params.get("RevisionId"), policy.revision_id)
            if any(s.get("Sid") == statement["Sid"] for s in policy.statements):
                raise errors.conflict(
                    f"The statement id ({statement['Sid']}) provided already exists. Please "
                    "provide a new statement id, or remove the existing statement."
                )
            policy.statements.append(statement)
            if len(_document(policy)) > limits.LAMBDA_MAX_POLICY_BYTES:
                raise errors.policy_too_large()
            policy.revision_id = lookup.new_revision()
            await POLICIES.put(tx, key, policy)
            return {"Statement": orjson.dumps(statement).decode()}

        return await self._store().write(write)

    async def remove(self, ref: FunctionRef, sid: str, revision: str | None) -> None:
        async def write(tx: Tx) -> None:
            await lookup.resolve(tx, ref)
            key = _key(ref)
            policy = await POLICIES.get(tx, key)
            if policy is None:
                raise errors.no_such_resource()
            lookup.check_revision(revision, policy.revision_id)
            kept = [s for s in policy.statements if s.get("Sid") != sid]
            if len(kept) == len(policy.statements):
                raise errors.resource_not_found(f"Statement {sid} is not found in resource policy.")
            if kept:
                await POLICIES.put(tx, key, Policy(kept, lookup.new_revision()))
            else:
                await POLICIES.delete(tx, key)

        await self._store().write(write)

    async def get(self, ref: FunctionRef) -> Result:
        async def read(tx: Tx) -> Result:
            await lookup.resolve(tx, ref)
            policy = await POLICIES.get(tx, _key(ref))
            if policy is None or not policy.statements:
                raise errors.no_such_resource()
            return {"Policy": _document(policy), "RevisionId": policy.revision_id}

        return await self._store().read(read)


def _key(ref: FunctionRef) -> str:
    return child_key(ref.key, ref.qualifier or "")


def _document(policy: Policy) -> str:
    return orjson.dumps(
        {"Version": "2012-10-17", "Id": "default", "Statement": policy.statements}
    ).decode()


def _principal(principal: str) -> Any:
    if principal == "*":
        return "*"
    if principal.isdigit() and len(principal) == 12:
        return {"AWS": f"arn:aws:iam::{principal}:root"}
    if principal.startswith("arn:"):
        return {"AWS": principal}
    return {"Service": principal}


def _statement(ref: FunctionRef, params: dict[str, Any]) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": params["StatementId"],
        "Effect": "Allow",
        "Principal": _principal(params["Principal"]),
        "Action": params["Action"],
        "Resource": ref.qualified_arn,
    }
    equals: dict[str, str] = {}
    if params.get("SourceAccount"):
        equals["AWS:SourceAccount"] = params["SourceAccount"]
    if params.get("PrincipalOrgID"):
        equals["aws:PrincipalOrgID"] = params["PrincipalOrgID"]
    if params.get("EventSourceToken"):
        equals["lambda:EventSourceToken"] = params["EventSourceToken"]
    if params.get("FunctionUrlAuthType"):
        equals["lambda:FunctionUrlAuthType"] = params["FunctionUrlAuthType"]
    condition: dict[str, Any] = {}
    if equals:
        condition["StringEquals"] = equals
    if params.get("SourceArn"):
        condition["ArnLike"] = {"AWS:SourceArn": params["SourceArn"]}
    if condition:
        statement["Condition"] = condition
    return statement
