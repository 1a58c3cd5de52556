"""`pinniped get kubeconfig`: discover the Concierge and write a kubeconfig that logs in through us."""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from pinniped.api.execcredential import V1BETA1
from pinniped.api.groups import ConciergeGroups
from pinniped.cli import discovery
from pinniped.cli.apiserver import connect
from pinniped.cli.errors import CLIError
from pinniped.cli.kubeconfigs import KubeconfigContext, load_context
from pinniped.cli.validation import validate
from pinniped.client.params import count_certificates
from pinniped.client.transport import Transport, https_request

PENDING_WAIT_SECONDS = 60.0
PENDING_POLL_SECONDS = 2.0


@dataclass
class KubeconfigDeps:
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    transport: Transport = https_request
    argv0: str = field(default_factory=lambda: sys.argv[0])
    which: Callable[[str], str | None] = shutil.which
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic


@dataclass(frozen=True)
class ConciergeParams:
    endpoint: str
    ca_pem: bytes | None
    authenticator: discovery.AuthenticatorRef


def run_get_kubeconfig(args: argparse.Namespace, deps: KubeconfigDeps | None = None) -> None:
    deps = deps or KubeconfigDeps()

    def log(message: str, **fields: object) -> None:
        pairs = "".join(f' {key}="{value}"' for key, value in fields.items())
        deps.stderr.write(f"{message}{pairs}\n")

    if args.static_token and args.static_token_env:
        raise CLIError("only one of --static-token and --static-token-env can be specified")
    if not args.static_token and not args.static_token_env:
        raise CLIError("one of --static-token or --static-token-env must be set")
    kube = load_context(args.kubeconfig, args.kubeconfig_context, deps.env)
    concierge = _discover(args, kube, deps, log)
    kubeconfig = generated_kubeconfig(args, kube, concierge, _pinniped_command(args, deps))
    if not args.skip_validation:
        token = args.static_token or deps.env.get(args.static_token_env)
        validate(
            concierge.endpoint,
            concierge.ca_pem,
            concierge.authenticator,
            token=token,
            api_group_suffix=args.concierge_api_group_suffix,
            timeout=min(args.timeout or 30.0, 30.0),
            transport=deps.transport,
        )
        log("validated connection to the cluster")
    _write(kubeconfig, args.output, deps.stdout)


def _discover(
    args: argparse.Namespace, kube: KubeconfigContext, deps: KubeconfigDeps, log: discovery.Log
) -> ConciergeParams:
    groups = ConciergeGroups(args.concierge_api_group_suffix)
    api = connect(kube, deps.env, timeout=args.timeout or None, allow_exec=True, transport=deps.transport)
    issuer = discovery.credential_issuer(api, groups, args.concierge_credential_issuer)
    log("discovered CredentialIssuer", name=(issuer.get("metadata") or {}).get("name", ""))
    if not args.concierge_skip_wait and discovery.pending(issuer):
        # Like upstream: a Concierge that has just started reports its strategies a moment later.
        log("waiting for CredentialIssuer pending strategies to finish")
        deadline = deps.monotonic() + min(args.timeout or PENDING_WAIT_SECONDS, PENDING_WAIT_SECONDS)
        while discovery.pending(issuer) and deps.monotonic() < deadline:
            deps.sleep(PENDING_POLL_SECONDS)
            issuer = discovery.credential_issuer(api, groups, args.concierge_credential_issuer)
    frontend = discovery.token_credential_request_frontend(issuer)
    log("discovered Concierge operating in TokenCredentialRequest API mode")
    endpoint = args.concierge_endpoint or kube.server
    if not args.concierge_endpoint:
        log("discovered Concierge endpoint", endpoint=endpoint)
    ca_pem = _ca_bundle_files(args.concierge_ca_bundle)
    if ca_pem is None:
        ca_pem = kube.ca_pem() or _frontend_ca(frontend)
        log("discovered Concierge certificate authority bundle", roots=count_certificates(ca_pem or b""))
    authenticator = discovery.authenticator(
        api, groups, args.concierge_authenticator_type, args.concierge_authenticator_name
    )
    log(f"discovered {authenticator.kind}", name=authenticator.name)
    return ConciergeParams(endpoint, ca_pem, authenticator)


def _ca_bundle_files(paths: Sequence[str] | None) -> bytes | None:
    if not paths:
        return None
    bundle = b""
    for path in paths:
        try:
            with open(path, "rb") as file:
                bundle += file.read().rstrip(b"\n") + b"\n"
        except OSError as err:
            raise CLIError(f"could not read --concierge-ca-bundle: {err}") from None
    return bundle


def _frontend_ca(frontend: Mapping[str, Any]) -> bytes | None:
    data = (frontend.get("tokenCredentialRequestInfo") or {}).get("certificateAuthorityData")
    return base64.b64decode(data) if data else None


def _pinniped_command(args: argparse.Namespace, deps: KubeconfigDeps) -> list[str]:
    """The command kubectl will run: the flag, this executable, `pinniped` on PATH, or python -m."""
    if args.pinniped_cli_path:
        return [args.pinniped_cli_path]
    argv0 = deps.argv0
    if argv0 and not argv0.endswith(".py") and os.access(argv0, os.X_OK):
        return [os.path.realpath(argv0)]
    found = deps.which("pinniped")
    if found:
        return [os.path.realpath(found)]
    return [sys.executable, "-m", "pinniped.cli"]


def generated_kubeconfig(
    args: argparse.Namespace,
    kube: KubeconfigContext,
    concierge: ConciergeParams,
    command: list[str],
) -> dict[str, Any]:
    suffix = args.generated_name_suffix
    cluster_name, context_name, user_name = (
        f"{kube.cluster_name}{suffix}",
        f"{kube.context_name}{suffix}",
        f"{kube.user_name}{suffix}",
    )
    cluster = {key: value for key, value in kube.cluster.items() if key != "certificate-authority"}
    kube_ca = kube.ca_pem()
    if kube_ca:
        cluster["certificate-authority-data"] = base64.b64encode(kube_ca).decode()
    login_args = [
        "login",
        "static",
        "--enable-concierge",
        f"--concierge-api-group-suffix={args.concierge_api_group_suffix}",
        f"--concierge-authenticator-name={concierge.authenticator.name}",
        f"--concierge-authenticator-type={concierge.authenticator.type}",
        f"--concierge-endpoint={concierge.endpoint}",
    ]
    if concierge.ca_pem:
        login_args.append(f"--concierge-ca-bundle-data={base64.b64encode(concierge.ca_pem).decode()}")
    if args.credential_cache is not None:
        login_args.append(f"--credential-cache={args.credential_cache}")
    if args.static_token:
        login_args.append(f"--token={args.static_token}")
    else:
        login_args.append(f"--token-env={args.static_token_env}")
    exec_stanza = {
        "apiVersion": V1BETA1,
        "command": command[0],
        "args": [*command[1:], *login_args],
        "env": [],
        "installHint": args.install_hint,
        "provideClusterInfo": True,
    }
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster_name, "cluster": cluster}],
        "contexts": [{"name": context_name, "context": {"cluster": cluster_name, "user": user_name}}],
        "current-context": context_name,
        "preferences": {},
        "users": [{"name": user_name, "user": {"exec": exec_stanza}}],
    }


def _write(kubeconfig: Mapping[str, Any], output: str, stdout: TextIO) -> None:
    import yaml

    text = yaml.safe_dump(dict(kubeconfig), sort_keys=False, default_flow_style=False)
    if not output:
        stdout.write(text)
        return
    try:
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as err:
        raise CLIError(f"could not write --output {output}: {err}") from None
