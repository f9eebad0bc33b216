"""The example apps that ``skybus up`` deploys.

Each example is a SAM application under this package; deployment needs the template deployer,
which arrives with the API Gateway and template work. Until an example is registered here,
``skybus up`` runs the node alone and says so.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from skybus.node import Node

log = logging.getLogger("skybus.examples")

#: Example name -> deploy coroutine. Filled in as examples land.
EXAMPLES: dict[str, Callable[[Node], Awaitable[None]]] = {}


async def deploy_examples(node: Node) -> None:
    if not EXAMPLES:
        print("No bundled examples are available in this version; the node runs alone.")
        return
    for name, deploy in EXAMPLES.items():
        await deploy(node)
        log.info("deployed example %s", name)
