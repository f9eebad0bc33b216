"""SNS subscription filter policies: AWS's validation, and matching precompiled per policy.

    policy = compile_policy(text, scope)         # scope "MessageAttributes" | "MessageBody"
    policy.matches_attributes(message_attributes) # {"name": {"DataType", "StringValue", ...}}
    policy.matches_body(body)                     # JSON body; not a JSON object: no match
    policy.matches_document(parsed_body)          # parse once, match many subscriptions
    policy.matches(message_attributes, body)      # by the policy's scope

An invalid policy raises FilterPolicyError (code InvalidParameter, HTTP 400). Word it with
`error.for_subscribe()` for Subscribe ("Invalid parameter: Attributes Reason: FilterPolicy: ...")
or `error.for_set_attributes()` for SetSubscriptionAttributes ("Invalid parameter: FilterPolicy:
..."): most details follow the "FilterPolicy: " label and end with the parser position AWS
reports, but the nested-policy-under-MessageAttributes refusal has no label (recorded AWS:
"Invalid parameter: Filter policy scope MessageAttributes does not support nested filter
policy"), which the two methods take care of. An empty FilterPolicy string is not a policy: it
removes the subscription's policy, so callers handle it before compiling. Changing
FilterPolicyScope should re-validate the stored policy under the new scope.
"""

from skybus.engines.topics.filters.errors import FilterPolicyError
from skybus.engines.topics.filters.policy import (
    MESSAGE_ATTRIBUTES,
    MESSAGE_BODY,
    FilterPolicy,
    compile_policy,
)

__all__ = [
    "MESSAGE_ATTRIBUTES",
    "MESSAGE_BODY",
    "FilterPolicy",
    "FilterPolicyError",
    "compile_policy",
]
