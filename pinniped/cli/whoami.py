"""`pinniped whoami`: ask the Concierge who the kubeconfig's user is (WhoAmIRequest)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from pinniped.api.groups import WHO_AM_I_REQUESTS, ConciergeGroups
from pinniped.cli.apiserver import ApiCallFailed, connect
from pinniped.cli.errors import CLIError
from pinniped.cli.kubeconfigs import KubeconfigContext, load_context
from pinniped.client.transport import Transport, https_request


def who_am_i(
    kube: KubeconfigContext,
    env: Mapping[str, str],
    *,
    api_group_suffix: str,
    timeout: float | None,
    transport: Transport = https_request,
) -> dict[str, Any]:
    """POST a WhoAmIRequest as the kubeconfig's user (running its exec plugin if it has one)."""
    groups = ConciergeGroups(api_group_suffix)
    api_version = groups.api_version(groups.identity)
    server = connect(kube, env, timeout=timeout, allow_exec=True, transport=transport)
    request = {"apiVersion": api_version, "kind": "WhoAmIRequest", "metadata": {}, "spec": {}}
    try:
        return server.post(f"/apis/{api_version}/{WHO_AM_I_REQUESTS}", request)
    except ApiCallFailed as err:
        raise CLIError(
            f"could not complete WhoAmIRequest (is the Pinniped WhoAmI API running and healthy?): {err}"
        ) from None


def format_text(kube: KubeconfigContext, response: Mapping[str, Any]) -> str:
    user = _object(_object(_object(response.get("status")).get("kubernetesUserInfo")).get("user"))
    groups = user.get("groups")
    return (
        "Current cluster info:\n\n"
        f"Name: {kube.cluster_name or '???'}\n"
        f"URL: {kube.server or '???'}\n\n"
        "Current user info:\n\n"
        f"Username: {user.get('username', '')}\n"
        f"Groups: {', '.join(str(g) for g in groups) if isinstance(groups, list) else ''}\n"
    )


def _object(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def render(output: str, kube: KubeconfigContext, response: Mapping[str, Any]) -> str:
    if output == "json":
        return json.dumps(response, indent=2) + "\n"
    if output == "yaml":
        import yaml

        return str(yaml.safe_dump(dict(response), sort_keys=False))
    return format_text(kube, response)


def run_whoami(args: argparse.Namespace, stdout: TextIO | None = None) -> None:
    kube = load_context(args.kubeconfig, args.kubeconfig_context, os.environ)
    response = who_am_i(
        kube, os.environ, api_group_suffix=args.api_group_suffix, timeout=args.timeout or None
    )
    (stdout or sys.stdout).write(render(args.output, kube, response))
