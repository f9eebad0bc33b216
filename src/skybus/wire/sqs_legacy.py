"""SQS as the ``query`` protocol, for clients that still speak it.

botocore switched SQS to JSON in 1.31.81; older SDKs and the AWS CLI v1 of that era still send
``Action=SendMessage&MessageBody=...`` with the old member names (``AttributeName.1``,
``MessageAttribute.1.Value.StringValue``) and read XML back. The package ships the SQS model of
botocore 1.31.80, the last release where it was ``query`` (documentation stripped), so the same
:class:`~skybus.wire.query.QueryProtocol` serves those clients.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from botocore.model import ServiceModel

MODEL_FILE = "sqs-query-2012-11-05.json"


@cache
def legacy_sqs_model() -> ServiceModel:
    """The SQS 2012-11-05 ``query`` model (loaded once per process)."""
    text = resources.files("skybus.wire").joinpath("data", MODEL_FILE).read_text("utf-8")
    return ServiceModel(json.loads(text), service_name="sqs")


@cache
def legacy_error_traits() -> dict[str, dict[str, Any]]:
    """Error shape name -> its ``error`` trait (legacy code, HTTP status, fault) in the query
    model: the codes SDKs still see in SQS's ``x-amzn-query-error`` header."""
    found: dict[str, dict[str, Any]] = {}
    for shape in legacy_sqs_model().error_shapes:
        trait = shape.metadata.get("error")
        if trait:
            found[shape.name] = dict(trait)
    return found


#: Where SQS's query front end words an error differently from its JSON one: the JSON wording
#: and the query wording of the same error.
QUERY_MESSAGES = {
    "The specified queue does not exist.": (
        "The specified queue does not exist for this wsdl version."
    ),
}
