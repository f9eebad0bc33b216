"""The ``skybus`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from skybus import __version__, logs_cli
from skybus.config import Settings


def _server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=4566, help="port to listen on")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="where embedded state lives (default .skybus)"
    )
    parser.add_argument(
        "--store",
        dest="store_url",
        default=None,
        help="store URL: sqlite:///PATH (default: DATA_DIR/skybus.db) or postgresql://...",
    )
    parser.add_argument(
        "--credentials-file",
        type=Path,
        default=None,
        help="access keys that may call Skybus (AWS credentials INI, or KEYID:SECRET lines)",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="allow listening on a non-loopback address without credentials",
    )
    parser.add_argument("--region", default=None, help="region for unsigned requests")
    parser.add_argument(
        "--public-url", default=None, help="URL clients reach this node at (queue URLs, SNS)"
    )
    parser.add_argument(
        "--log-level", default="info", choices=["debug", "info", "warning", "error"]
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skybus", description="A self-hosted serverless cloud that speaks the AWS APIs."
    )
    parser.add_argument("--version", action="version", version=f"skybus {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run a Skybus node")
    _server_options(serve)
    up = commands.add_parser("up", help="run a Skybus node with the bundled examples deployed")
    _server_options(up)
    logs_cli.add_arguments(commands.add_parser("logs", help="print (and follow) a function's log"))
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir,
        store_url=args.store_url,
        credentials_file=args.credentials_file,
        insecure=args.insecure or None,
        region=args.region,
        public_url=args.public_url,
        log_level=args.log_level,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "logs":
        return logs_cli.run(args)
    from skybus.server.run import run

    settings = settings_from(args)
    if args.command == "up":
        from skybus.examples import deploy_examples

        run(settings, on_ready=deploy_examples)
    else:
        run(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
