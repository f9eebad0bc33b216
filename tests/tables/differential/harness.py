"""Run one scenario of boto3 calls against DynamoDB Local and against Skybus, and compare.

A scenario is a plain function of a ``Side``. It makes its calls through ``Side.call``, which
records each call's normalized outcome (the response without transport metadata, or the error
code and HTTP status), and adds derived facts with ``Side.note`` where the raw responses may
legitimately differ (Scan order depends on each implementation's partition hash). The scenario
runs on DynamoDB Local first, then on the subject, with the same table names; the two transcripts
must be equal step by step. Error messages differ between AWS and DynamoDB Local in places, so a
call checks one only when it names AWS's recorded wording (``aws_message``): the transcript then
says whether the message contains that text, and DynamoDB Local must contain it (else the
scenario itself is wrong and fails loudly).
"""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

Outcome = dict[str, Any]
Scenario = Callable[["Side"], None]

_SET_TYPES = ("SS", "NS", "BS")
_MAX_PAGES = 80
_SHOWN_DIFFERENCES = 4
_SHOWN_PATHS = 6


@dataclass
class Step:
    label: str
    params: dict[str, Any] | None
    outcome: Any
    message: str | None = None  # an error's message: shown when steps differ, never compared


@dataclass(repr=False)
class Side:
    """One system seen through one boto3 client, with the transcript of a scenario."""

    name: str
    client: Any
    run_id: str
    reference: bool = False
    steps: list[Step] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)

    def call(
        self, op: str, *, record: bool = True, aws_message: str | None = None, **params: Any
    ) -> Outcome:
        """``client.<op>(**params)``, normalized. With ``aws_message``, the outcome says
        whether the error message contains AWS's wording instead of carrying the message."""
        step = self._step(op, aws_message, params)
        if record:
            self.steps.append(step)
        outcome: Outcome = step.outcome
        return outcome

    def _step(self, op: str, aws_message: str | None, params: dict[str, Any]) -> Step:
        outcome = self._invoke(op, params)
        said = outcome.pop("message", None)
        if aws_message is not None:
            outcome["message has AWS wording"] = aws_message in (said or "")
            if self.reference and aws_message not in (said or ""):
                raise AssertionError(f"DynamoDB Local says {said!r}, not {aws_message!r}")
        return Step(op, params, outcome, said)

    def scan_all(self, table: str) -> None:
        """Note a table's whole content, in a canonical order (Scan order is the
        implementation's own)."""
        pages = self.pages("scan", record=False, TableName=table)
        errors = [page for page in pages if "error" in page or "client-side" in page]
        self.note(f"all items of {table}", errors or sort_items(items_of(pages)))

    def note(self, label: str, value: Any) -> None:
        """Record a derived fact (already normalized by the scenario)."""
        self.steps.append(Step(label, None, value))

    def table(
        self,
        hash_key: tuple[str, str] = ("h", "S"),
        range_key: tuple[str, str] | None = None,
    ) -> str:
        """Create an on-demand table with a name unique to this run, the same on both sides."""
        name = f"diff-{self.run_id}-{len(self.tables)}"
        self.tables.append(name)
        keys = [hash_key] if range_key is None else [hash_key, range_key]
        self.call(
            "create_table",
            TableName=name,
            KeySchema=[
                {"AttributeName": attr, "KeyType": kind}
                for (attr, _), kind in zip(keys, ("HASH", "RANGE"), strict=False)
            ],
            AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in keys],
            BillingMode="PAY_PER_REQUEST",
        )
        return name

    def pages(self, op: str, *, record: bool = True, **params: Any) -> list[Outcome]:
        """Every page of a Query or Scan, following LastEvaluatedKey (bounded).

        A final page that read nothing, after a page that reached Limit, is dropped together
        with that page's LastEvaluatedKey: whether a reader looks ahead to see that nothing is
        left is not specified (AWS does at the end of a partition, DynamoDB Local does not), and
        both answers page through the same items."""
        steps: list[Step] = []
        start: Any = None
        while len(steps) < _MAX_PAGES:
            page_params = dict(params)
            if start is not None:
                page_params["ExclusiveStartKey"] = start
            steps.append(self._step(op, None, page_params))
            start = steps[-1].outcome.get("LastEvaluatedKey")
            if not start:
                break
        if len(steps) > 1 and _nothing_read(steps[-1].outcome):
            steps.pop()
            steps[-1].outcome = {
                k: v for k, v in steps[-1].outcome.items() if k != "LastEvaluatedKey"
            }
        if record:
            self.steps.extend(steps)
        return [step.outcome for step in steps]

    def _invoke(self, op: str, params: dict[str, Any]) -> Outcome:
        try:
            response = getattr(self.client, op)(**params)
        except ClientError as exc:
            return _error_outcome(exc.response)
        except BotoCoreError as exc:  # rejected by botocore itself, or no answer at all
            return {"client-side": type(exc).__name__}
        return _response_outcome(op, response, params)

    def __repr__(self) -> str:
        return f"<Side {self.name}: {len(self.steps)} steps>"

    def cleanup(self) -> None:
        for name in self.tables:
            with contextlib.suppress(ClientError, BotoCoreError):
                self.client.delete_table(TableName=name)


def _nothing_read(page: Outcome) -> bool:
    return (
        "error" not in page
        and "client-side" not in page
        and page.get("ScannedCount") == 0
        and "LastEvaluatedKey" not in page
    )


def _error_outcome(response: dict[str, Any]) -> Outcome:
    error = response.get("Error", {})
    outcome: Outcome = {
        "error": error.get("Code"),
        "status": response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
        "message": error.get("Message"),
    }
    for extra in ("Item", "CancellationReasons"):
        if extra in response:
            outcome[extra] = normalize(response[extra])
    return outcome


def _response_outcome(op: str, response: dict[str, Any], params: dict[str, Any]) -> Outcome:
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    if params.get("ReturnConsumedCapacity", "NONE") == "NONE":
        body.pop("ConsumedCapacity", None)
    if "TableDescription" in body:
        body["TableDescription"] = _table_summary(body["TableDescription"])
    if "Table" in body:
        body["Table"] = _table_summary(body["Table"])
    if op == "batch_get_item":
        body["Responses"] = {t: sort_items(items) for t, items in body["Responses"].items()}
    outcome: Outcome = normalize(body)
    return outcome


def _table_summary(description: dict[str, Any]) -> dict[str, Any]:
    """The parts of a table description that do not depend on time, account or store."""
    keep = ("TableName", "KeySchema", "TableStatus")
    summary = {k: description[k] for k in keep if k in description}
    summary["AttributeDefinitions"] = sorted(
        description.get("AttributeDefinitions", []), key=lambda d: d["AttributeName"]
    )
    return summary


def normalize(value: Any) -> Any:
    """Sets in a canonical order (neither AWS nor DynamoDB Local promises one)."""
    if isinstance(value, dict):
        return {
            k: sorted(v) if k in _SET_TYPES and isinstance(v, list) else normalize(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [normalize(v) for v in value]
    return value


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def sort_items(items: list[Any]) -> list[Any]:
    """Items in a canonical order, for results whose order is the implementation's own."""
    return sorted(items, key=canonical)


def items_of(pages: list[Outcome]) -> list[Any]:
    return [item for page in pages for item in page.get("Items", [])]


def page_shape(page: Outcome) -> Any:
    """What a Scan page must agree on across implementations: sizes and whether it continues."""
    if "error" in page or "client-side" in page:
        return page
    return {
        "Count": page.get("Count"),
        "ScannedCount": page.get("ScannedCount"),
        "more": "LastEvaluatedKey" in page,
    }


class Differ:
    """Runs scenarios on DynamoDB Local (the reference) and on one subject."""

    def __init__(self, oracle: Any, subject: Any, subject_name: str) -> None:
        self.oracle = oracle
        self.subject = subject
        self.subject_name = subject_name

    def check(self, scenario: Scenario) -> None:
        __tracebackhide__ = True
        run_id = uuid.uuid4().hex[:10]
        reference = Side("dynamodb-local", self.oracle, run_id, reference=True)
        try:
            scenario(reference)  # an exception here is a bug in the scenario: let it surface
        finally:
            reference.cleanup()
        subject = Side(self.subject_name, self.subject, run_id)
        try:
            scenario(subject)
        except Exception as exc:
            subject.note("scenario raised", f"{type(exc).__name__}: {exc}")
        finally:
            subject.cleanup()
        compare(reference, subject)


def compare(reference: Side, subject: Side) -> None:
    """Fail with the first few differing steps: the call, and where the outcomes part."""
    __tracebackhide__ = True
    differing: list[str] = []
    for index in range(max(len(reference.steps), len(subject.steps))):
        ref = reference.steps[index] if index < len(reference.steps) else None
        sub = subject.steps[index] if index < len(subject.steps) else None
        ref_out = ref.outcome if ref else "<no step>"
        sub_out = sub.outcome if sub else "<no step>"
        if ref is not None and sub is not None and ref.label == sub.label and ref_out == sub_out:
            continue
        step = ref or sub
        assert step is not None
        lines = [f"step {index}: {step.label}"]
        if step.params is not None:
            lines.append(f"  call: {_short(step.params, 300)}")
        parts = list(_differences(ref_out, sub_out, ""))
        for path, ref_value, sub_value in parts[:_SHOWN_PATHS]:
            where = f"  at {path}" if path else "  outcome"
            lines.append(f"{where}:")
            lines.append(f"    {reference.name}: {_short(ref_value)}")
            lines.append(f"    {subject.name}: {_short(sub_value)}")
        if len(parts) > _SHOWN_PATHS:
            lines.append(f"  ... and {len(parts) - _SHOWN_PATHS} more differing places")
        for side, side_step in ((reference, ref), (subject, sub)):
            if side_step is not None and side_step.message is not None:
                lines.append(f"  {side.name} said: {_short(side_step.message, 300)}")
        differing.append("\n".join(lines))
    if differing:
        shown = "\n".join(differing[:_SHOWN_DIFFERENCES])
        more = len(differing) - _SHOWN_DIFFERENCES
        extra = f"\n... and {more} more differing steps" if more > 0 else ""
        raise AssertionError(
            f"{subject.name} differs from DynamoDB Local in {len(differing)} of "
            f"{len(reference.steps)} steps:\n{shown}{extra}"
        )


def _differences(ref: Any, sub: Any, path: str) -> Iterator[tuple[str, Any, Any]]:
    """The places where two outcomes part, as (path, reference value, subject value). Only
    successful outcomes are opened up: an error against a result is shown whole."""
    if ref == sub:
        return
    comparable = isinstance(ref, dict) and isinstance(sub, dict)
    if comparable and not ({"error", "client-side"} & (ref.keys() | sub.keys())):
        for key in sorted(ref.keys() | sub.keys(), key=str):
            yield from _differences(
                ref.get(key, "<absent>"), sub.get(key, "<absent>"), f"{path}.{key}".lstrip(".")
            )
    elif isinstance(ref, list) and isinstance(sub, list) and len(ref) == len(sub):
        for index, (ref_item, sub_item) in enumerate(zip(ref, sub, strict=True)):
            yield from _differences(ref_item, sub_item, f"{path}[{index}]")
    else:
        yield path, ref, sub


def _short(value: Any, limit: int = 500) -> str:
    text = canonical(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[:limit] + "..."


# Attribute value builders, so scenarios read like the items they write.


def S(value: str) -> dict[str, Any]:
    return {"S": value}


def N(value: str | int) -> dict[str, Any]:
    return {"N": str(value)}


def B(value: bytes) -> dict[str, Any]:
    return {"B": value}


def L(*values: dict[str, Any]) -> dict[str, Any]:
    return {"L": list(values)}


def M(**values: dict[str, Any]) -> dict[str, Any]:
    return {"M": values}


_PLACEHOLDER = re.compile(r"[:#][A-Za-z0-9_]+")


def used(pool: dict[str, Any], *expressions: str) -> dict[str, Any]:
    """The entries of ``pool`` (names or values) that the expressions mention, so that a
    request never carries an unused one by accident."""
    mentioned = {token for text in expressions for token in _PLACEHOLDER.findall(text)}
    return {key: value for key, value in pool.items() if key in mentioned}


def SS(*values: str) -> dict[str, Any]:
    return {"SS": list(values)}


def NS(*values: str | int) -> dict[str, Any]:
    return {"NS": [str(v) for v in values]}


def BS(*values: bytes) -> dict[str, Any]:
    return {"BS": list(values)}


def optional(**params: Any) -> dict[str, Any]:
    """The parameters that are not empty, for requests that must not carry an empty map."""
    return {name: value for name, value in params.items() if value not in (None, {}, [])}
