"""The ``ledger`` command: one entry point, one module per sub-command in ``service.commands``.

Each command module defines ``register(subparsers)`` which adds its parser and sets
``func`` to a callable taking the parsed arguments and returning an exit code. Modules import
their heavy dependencies inside the function so ``ledger --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from service import commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ledger",
        description="fundledger: event-sourced ledger for Shanxi construction funds "
        "(1331工程 / 产教融合).",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"service.commands.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
