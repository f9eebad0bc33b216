"""``skybus logs FUNCTION [--follow] [--since 10m]``: a function's log in the terminal.

It reads the log group ``/aws/lambda/FUNCTION`` through the public CloudWatch Logs API with
botocore, like any other client, so it works against a Skybus on another machine as well as the
local one. Lines of all the group's streams come interleaved by time, as ``FilterLogEvents``
returns them. With ``--follow`` it polls ``FilterLogEvents`` every few hundred milliseconds until
interrupted.

Following by timestamp has one trap: a line can be stored some time after it was written (a
worker may send an invocation's lines when it ends), so a later poll can bring lines older than
ones already printed. Each poll therefore looks back from the newest printed timestamp by twice
the largest delay between writing and storing seen so far (at least two seconds) and skips the
events it already printed, by their event ids.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from skybus import limits

DEFAULT_ENDPOINT = "http://127.0.0.1:4566"
DEFAULT_SINCE = "10m"
POLL_SECONDS = 0.3
RETRY_SECONDS = 2.0
MIN_LOOKBACK_MS = 2_000
MAX_LOOKBACK_MS = limits.LAMBDA_MAX_TIMEOUT_SECONDS * 1000
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"(\d+)([smhdw])")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "function", help="function name or ARN (or a log group name starting with /)"
    )
    parser.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    parser.add_argument(
        "--since",
        default=DEFAULT_SINCE,
        help="how far back to start: 30s, 10m, 2h, 1d, 1w, or an ISO 8601 time (default 10m)",
    )
    parser.add_argument(
        "--endpoint",
        default=None,
        help=f"Skybus URL (default: AWS_ENDPOINT_URL, else {DEFAULT_ENDPOINT})",
    )
    parser.add_argument("--region", default=None, help="region (default: from the AWS config)")
    parser.add_argument("--filter", default=None, help="a CloudWatch Logs filter pattern")


def log_group_for(function: str) -> str:
    """The log group of a function given by name, ARN or partial ARN; names that start with
    ``/`` are taken as log group names."""
    if function.startswith("/"):
        return function
    if function.startswith("arn:"):
        parts = function.split(":")
        if len(parts) >= 7 and parts[5] == "function":
            return f"/aws/lambda/{parts[6]}"
    return f"/aws/lambda/{function}"


def parse_since(text: str, now: float) -> int:
    """The start time in epoch milliseconds for a ``--since`` value."""
    match = _DURATION.fullmatch(text.strip())
    if match is not None:
        return int((now - int(match[1]) * _UNITS[match[2]]) * 1000)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"--since {text!r}: expected a duration such as 30s, 10m, 2h, 1d, 1w, or an ISO "
            "8601 time"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def format_event(event: dict[str, Any]) -> str:
    moment = datetime.fromtimestamp(event["timestamp"] / 1000, UTC)
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    message = str(event["message"]).rstrip("\n")
    return f"{stamp} {event['logStreamName']} {message}"


@dataclass
class Follower:
    """Reads a group from a start time on and hands out every event once."""

    fetch: Callable[..., dict[str, Any]]
    group: str
    start_ms: int
    pattern: str | None = None
    newest_ms: int | None = None
    largest_lag_ms: int = 0
    #: Event ids printed, with their timestamps, kept while inside the look-back window.
    printed: dict[str, int] = field(default_factory=dict)

    def window_start(self) -> int:
        if self.newest_ms is None:
            return self.start_ms
        lookback = min(MAX_LOOKBACK_MS, max(MIN_LOOKBACK_MS, 2 * self.largest_lag_ms))
        return max(self.start_ms, self.newest_ms - lookback)

    def pages(self) -> Iterator[list[dict[str, Any]]]:
        request: dict[str, Any] = {
            "logGroupName": self.group,
            "startTime": self.window_start(),
            "startFromHead": True,
        }
        if self.pattern:
            request["filterPattern"] = self.pattern
        while True:
            answer = self.fetch(**request)
            yield answer.get("events", [])
            token = answer.get("nextToken")
            if not token:
                return
            request["nextToken"] = token

    def poll(self) -> Iterator[list[dict[str, Any]]]:
        """The events not printed yet, a page at a time, oldest first (FilterLogEvents returns
        every stream's events interleaved in time order)."""
        for events in self.pages():
            fresh = [event for event in events if event["eventId"] not in self.printed]
            for event in fresh:
                self.printed[event["eventId"]] = event["timestamp"]
                lag = event.get("ingestionTime", event["timestamp"]) - event["timestamp"]
                self.largest_lag_ms = max(self.largest_lag_ms, lag)
                if self.newest_ms is None or event["timestamp"] > self.newest_ms:
                    self.newest_ms = event["timestamp"]
            yield fresh
        self._forget_old()

    def _forget_old(self) -> None:
        start = self.window_start()
        if len(self.printed) > 1000:
            self.printed = {key: ts for key, ts in self.printed.items() if ts >= start}


def make_client(endpoint: str, region: str | None) -> Any:
    import boto3
    from botocore.config import Config

    session = boto3.session.Session()
    credentials = session.get_credentials()
    keys: dict[str, str] = {}
    if credentials is None:
        # A Skybus without configured keys accepts any signature.
        keys = {"aws_access_key_id": "skybus", "aws_secret_access_key": "skybus"}
    return session.client(
        "logs",
        endpoint_url=endpoint,
        region_name=region or session.region_name or limits.DEFAULT_REGION,
        config=Config(
            retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=30
        ),
        **keys,
    )


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        return _run(args, out, err)
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:
        # The reader went away (``skybus logs f | head``); say nothing more.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silences the final flush
        return 0


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        start_ms = parse_since(args.since, time.time())
    except ValueError as exc:
        print(f"skybus logs: {exc}", file=err)
        return 2
    endpoint = args.endpoint or os.environ.get("AWS_ENDPOINT_URL") or DEFAULT_ENDPOINT
    group = log_group_for(args.function)
    client = make_client(endpoint, args.region)
    follower = Follower(client.filter_log_events, group, start_ms, args.filter)
    waiting_said = trouble_said = False
    while True:
        try:
            for page in follower.poll():
                for event in page:
                    out.write(format_event(event) + "\n")
                out.flush()
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code != "ResourceNotFoundException":
                print(f"skybus logs: {exc}", file=err)
                return 1
            if not args.follow:
                print(f"skybus logs: no log group {group} (has the function run yet?)", file=err)
                return 1
            if not waiting_said:
                print(f"skybus logs: waiting for log group {group} to appear", file=err)
                waiting_said = True
        except BotoCoreError as exc:
            if not args.follow:
                print(f"skybus logs: cannot read logs from {endpoint}: {exc}", file=err)
                return 1
            if not trouble_said:
                print(f"skybus logs: cannot read logs from {endpoint} ({exc}); retrying", file=err)
                trouble_said = True
            time.sleep(RETRY_SECONDS)
        else:
            trouble_said = False
        if not args.follow:
            return 0
        time.sleep(POLL_SECONDS)
