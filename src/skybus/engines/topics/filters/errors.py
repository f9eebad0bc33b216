"""The one error a filter policy can raise, and how each API call words it.

AWS answers an invalid policy with code InvalidParameter (HTTP 400). The text after the call's
own prefix is the same for Subscribe and SetSubscriptionAttributes; only the prefix differs:

    Subscribe:                 "Invalid parameter: Attributes Reason: FilterPolicy: <detail>"
    SetSubscriptionAttributes: "Invalid parameter: FilterPolicy: <detail>"

One recorded message has no "FilterPolicy: " label: a nested policy under the MessageAttributes
scope ("Invalid parameter: Filter policy scope MessageAttributes does not support nested filter
policy"). `labelled` carries that difference, so callers should use `for_subscribe()` and
`for_set_attributes()` rather than gluing prefixes themselves.
"""

from __future__ import annotations

SUBSCRIBE_PREFIX = "Invalid parameter: Attributes Reason: "
SET_ATTRIBUTES_PREFIX = "Invalid parameter: "
LABEL = "FilterPolicy: "


class FilterPolicyError(Exception):
    """A policy AWS would refuse. `str(error)` is the detail after "FilterPolicy: "."""

    def __init__(self, detail: str, *, labelled: bool = True) -> None:
        super().__init__(detail)
        self.detail = detail
        self.labelled = labelled

    @property
    def reason(self) -> str:
        """The detail without the parser position AWS appends after a newline."""
        return self.detail.split("\n", 1)[0]

    def _labelled_detail(self) -> str:
        return LABEL + self.detail if self.labelled else self.detail

    def for_subscribe(self) -> str:
        """The whole message Subscribe answers with (attributes given at subscription)."""
        return SUBSCRIBE_PREFIX + self._labelled_detail()

    def for_set_attributes(self) -> str:
        """The whole message SetSubscriptionAttributes answers with."""
        return SET_ATTRIBUTES_PREFIX + self._labelled_detail()
