"""Function names and ARNs as Lambda accepts them.

A ``FunctionName`` may be a bare name (``my-function``), a name with a qualifier
(``my-function:prod``), a partial ARN (``123456789012:function:my-function``) or a full ARN
(``arn:aws:lambda:us-east-1:123456789012:function:my-function:1``). A qualifier in the name must
agree with a ``Qualifier`` parameter when both are given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from skybus.engines.functions import errors

LATEST = "$LATEST"

_REFERENCE = re.compile(
    r"^(?:arn:(?P<partition>aws[a-zA-Z-]*)?:lambda:)?"
    r"(?:(?P<region>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?"
    r"(?:(?P<account>\d{12}):)?"
    r"(?:function:)?"
    r"(?P<name>[a-zA-Z0-9_.-]+)"
    r"(?::(?P<qualifier>\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9_-]+))?$"
)
_VERSION = re.compile(r"^[0-9]+$")


@dataclass(frozen=True, slots=True)
class FunctionRef:
    """Which function (and which version or alias of it) a request names."""

    account: str
    region: str
    name: str
    qualifier: str | None = None

    @property
    def arn(self) -> str:
        """The unqualified function ARN."""
        return function_arn(self.region, self.account, self.name)

    @property
    def qualified_arn(self) -> str:
        """The ARN with the qualifier when there is one."""
        return function_arn(self.region, self.account, self.name, self.qualifier)

    @property
    def key(self) -> str:
        """The function's key in the store: account, region and name."""
        return function_key(self.account, self.region, self.name)

    def with_qualifier(self, qualifier: str | None) -> FunctionRef:
        return FunctionRef(self.account, self.region, self.name, qualifier)


def function_arn(region: str, account: str, name: str, qualifier: str | None = None) -> str:
    arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


def function_key(account: str, region: str, name: str) -> str:
    return f"{account}:{region}:{name}"


def is_version(qualifier: str) -> bool:
    return bool(_VERSION.match(qualifier))


def parse(
    function_name: str, account: str, region: str, qualifier: str | None = None
) -> FunctionRef:
    """The function a request names, in the caller's account and region.

    Raises the ``ResourceNotFoundException`` AWS answers for an ARN of another region, and the
    ``InvalidParameterValueException`` for a qualifier in the name that contradicts
    ``qualifier``.
    """
    match = _REFERENCE.match(function_name)
    if match is None:
        # The model's pattern has already refused what no form matches; this is a safeguard.
        raise errors.not_found(function_arn(region, account, function_name))
    found_region = match["region"]
    if found_region and found_region != region:
        raise errors.wrong_region(found_region, region)
    name = match["name"]
    found_account = match["account"] or account
    in_name = match["qualifier"]
    if in_name and qualifier and in_name != qualifier:
        raise errors.qualifier_mismatch()
    ref = FunctionRef(account, region, name, in_name or qualifier or None)
    if found_account != account:
        raise errors.not_found(function_arn(region, found_account, name, ref.qualifier))
    return ref


def parse_arn(arn: str) -> FunctionRef | None:
    """A function named by a full ARN (destinations, triggers); None if ``arn`` is not one."""
    match = _REFERENCE.match(arn)
    if match is None or not arn.startswith("arn:") or not match["region"] or not match["account"]:
        return None
    return FunctionRef(match["account"], match["region"], match["name"], match["qualifier"])
