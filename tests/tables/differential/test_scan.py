"""Scan: paging, parallel segments, filters with Limit, and segment validation.

Scan order follows each implementation's own partition hash, so pages are compared by their
sizes and continuation, and items as sets; what must hold everywhere is noted as a fact: every
item exactly once, sort-key order inside a partition, and LastEvaluatedKey = the last item's key.
"""

from __future__ import annotations

from typing import Any

from .harness import Differ, N, S, Side, items_of, page_shape, sort_items

PARTITIONS = 9
PER_PARTITION = 4


def _filled(s: Side) -> str:
    table = s.table(("h", "S"), ("r", "N"))
    for p in range(PARTITIONS):
        for r in range(PER_PARTITION):
            kind = "keep" if (p + r) % 3 == 0 else "drop"
            item = {"h": S(f"p{p}"), "r": N(r * 10 - 15), "kind": S(kind)}
            s.call("put_item", TableName=table, Item=item)
    return table


def _key(item: dict[str, Any]) -> tuple[str, str]:
    return item["h"]["S"], item["r"]["N"]


def _facts(s: Side, label: str, pages: list[dict[str, Any]]) -> None:
    """Record what may be compared about a paged scan."""
    items = items_of(pages)
    s.note(f"{label}: pages", [page_shape(page) for page in pages])
    s.note(f"{label}: items", sort_items(items))
    keys = [_key(item) for item in items if "h" in item and "r" in item]
    s.note(f"{label}: every item once", len(keys) == len(set(keys)))
    in_order = all(
        float(keys[i][1]) < float(keys[j][1])
        for i in range(len(keys))
        for j in range(i + 1, len(keys))
        if keys[i][0] == keys[j][0]
    )
    s.note(f"{label}: sort-key order inside partitions", in_order)
    last_keys = [
        page.get("LastEvaluatedKey") == {"h": page["Items"][-1]["h"], "r": page["Items"][-1]["r"]}
        for page in pages
        if page.get("Items") and "LastEvaluatedKey" in page
    ]
    s.note(f"{label}: LastEvaluatedKey is the last item's key", all(last_keys))


def test_scan_paging(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = _filled(s)
        for limit in (None, 1, 7, 36, 50):
            params: dict[str, Any] = {"TableName": table}
            if limit is not None:
                params["Limit"] = limit
            _facts(s, f"Limit {limit}", s.pages("scan", record=False, **params))
        count_pages = s.pages("scan", record=False, TableName=table, Select="COUNT", Limit=10)
        s.note("COUNT pages", [page_shape(page) for page in count_pages])
        s.note("COUNT has no items", all("Items" not in page for page in count_pages))

    diff.check(scenario)


def test_parallel_segments_cover_the_table(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = _filled(s)
        whole = sort_items(items_of(s.pages("scan", record=False, TableName=table)))
        s.note("whole table", whole)
        for total in (1, 2, 3, 4, 7, 40):
            union: list[Any] = []
            for segment in range(total):
                pages = s.pages(
                    "scan",
                    record=False,
                    TableName=table,
                    Segment=segment,
                    TotalSegments=total,
                    Limit=5,
                )
                errors = [page for page in pages if "error" in page or "client-side" in page]
                s.note(f"{total} segments: errors", errors)
                union.extend(items_of(pages))
            s.note(f"{total} segments: union is the table", sort_items(union) == whole)
            s.note(f"{total} segments: no item twice", len(union) == len(whole))

    diff.check(scenario)


def test_scan_filter_with_limit(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = _filled(s)
        for limit in (None, 4, 11):
            params: dict[str, Any] = {
                "TableName": table,
                "FilterExpression": "kind = :k",
                "ExpressionAttributeValues": {":k": S("keep")},
            }
            if limit is not None:
                params["Limit"] = limit
            pages = s.pages("scan", record=False, **params)
            # Which items pass in which page depends on the order; ScannedCount does not.
            s.note(
                f"Limit {limit}: scanned per page",
                [page.get("ScannedCount", page.get("error")) for page in pages],
            )
            s.note(f"Limit {limit}: matched", sort_items(items_of(pages)))
            s.note(f"Limit {limit}: total Count", sum(page.get("Count", 0) for page in pages))
        s.call(
            "scan",
            TableName=table,
            Select="COUNT",
            FilterExpression="kind = :k AND r > :r",
            ExpressionAttributeValues={":k": S("keep"), ":r": N(0)},
        )

    diff.check(scenario)


def test_segment_validation(diff: Differ) -> None:
    def scenario(s: Side) -> None:
        table = _filled(s)
        s.call("scan", TableName=table, Segment=0)
        s.call("scan", TableName=table, TotalSegments=2)
        s.call("scan", TableName=table, Segment=2, TotalSegments=2)
        s.call("scan", TableName=table, Segment=5, TotalSegments=3)
        s.call("scan", TableName=table, Segment=0, TotalSegments=1_000_001)
        last = s.call("scan", record=False, TableName=table, Segment=999_999, TotalSegments=10**6)
        s.note("the last of a million segments", page_shape(last) | {"Count": None})
        s.call("scan", TableName=table, ExclusiveStartKey={"h": S("p1")})
        s.call("scan", TableName=table, ExclusiveStartKey={"h": S("p1"), "r": S("1")})
        s.call("scan", TableName=f"{table}-missing")

    diff.check(scenario)
