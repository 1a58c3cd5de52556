"""`python -m pinniped.deploy concierge|crds [--namespace ...] [--image ...]` prints YAML."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import yaml

from pinniped.deploy.concierge import render_concierge
from pinniped.deploy.crds import render_crds
from pinniped.deploy.params import DEFAULT_IMAGE, DEFAULT_NAMESPACE, DeployParams


def to_yaml(manifests: Sequence[dict[str, object]]) -> str:
    return yaml.safe_dump_all(manifests, sort_keys=False, explicit_start=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pinniped.deploy", description=__doc__)
    parser.add_argument("what", choices=["concierge", "crds"])
    parser.add_argument("--namespace", default=DEFAULT_NAMESPACE)
    parser.add_argument("--image", default=DEFAULT_IMAGE)
    parser.add_argument("--api-group-suffix", default="pinniped.dev")
    parser.add_argument("--local-port", type=int, help="render the local variant (host process)")
    args = parser.parse_args(argv)
    params = DeployParams(
        namespace=args.namespace,
        image=args.image,
        api_group_suffix=args.api_group_suffix,
        local_port=args.local_port,
    )
    manifests = render_concierge(params) if args.what == "concierge" else render_crds(params.groups)
    sys.stdout.write(to_yaml(manifests))
    return 0


if __name__ == "__main__":
    sys.exit(main())
