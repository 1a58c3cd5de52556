"""`pinniped login static`: kubectl's exec credential plugin (standard library only)."""

from __future__ import annotations

import base64
import binascii
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from pinniped.api.execcredential import ExecCredentialStatus
from pinniped.cli.cache import CredentialCache, cache_key, default_path
from pinniped.cli.errors import CLIError
from pinniped.cli.execinfo import ExecInfo, exec_credential_json, read_exec_info
from pinniped.client.concierge import Authenticator, ConciergeClient
from pinniped.client.credential import ClusterCredential
from pinniped.client.errors import ConciergeError, InvalidConciergeParameters

EXCHANGE_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class StaticLoginParams:
    token: str = ""
    token_env: str = ""
    enable_concierge: bool = False
    concierge_authenticator_type: str = ""
    concierge_authenticator_name: str = ""
    concierge_endpoint: str = ""
    concierge_ca_bundle_data: str = ""
    concierge_api_group_suffix: str = "pinniped.dev"
    credential_cache: str | None = None  # None: the default path; "": no cache


def _exchange(client: ConciergeClient, token: str) -> ClusterCredential:
    return client.exchange_token(token)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class LoginDeps:
    """Everything the login touches outside itself; tests replace any of it."""

    env: Mapping[str, str]
    argv: Sequence[str]
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    now: Callable[[], datetime] = _now
    exchange: Callable[[ConciergeClient, str], ClusterCredential] = _exchange


def run_static_login(params: StaticLoginParams, deps: LoginDeps) -> None:
    """Print an ExecCredential for the token, exchanged with the Concierge when enabled."""
    if not params.token and not params.token_env:
        raise CLIError("one of --token or --token-env must be set")
    exec_info = read_exec_info(deps.env)
    client = _concierge_client(params, exec_info) if params.enable_concierge else None
    token = _read_token(params, deps.env)

    if client is None:
        status: ExecCredentialStatus = {"expirationTimestamp": None, "token": token}
        deps.stdout.write(exec_credential_json(exec_info.api_version, status))
        return

    cache = _cache(params, deps)
    key = cache_key(deps.argv, token, exec_info.cluster)
    cached = cache.get(key) if cache else None
    if cached is not None:
        deps.stdout.write(exec_credential_json(exec_info.api_version, cached))
        return
    try:
        credential = deps.exchange(client, token)
    except ConciergeError as err:
        raise CLIError(f"could not complete Concierge credential exchange: {err}") from None
    status = credential.exec_credential_status()
    if cache is not None:
        cache.put(key, status)
    deps.stdout.write(exec_credential_json(exec_info.api_version, status))


def _concierge_client(params: StaticLoginParams, exec_info: ExecInfo) -> ConciergeClient:
    cluster = exec_info.cluster or {}
    endpoint = params.concierge_endpoint or str(cluster.get("server") or "")
    ca_data = params.concierge_ca_bundle_data or str(
        cluster.get("certificate-authority-data") or ""
    )
    try:
        try:
            ca_bundle = base64.b64decode(ca_data, validate=True) if ca_data else None
        except binascii.Error as err:
            raise InvalidConciergeParameters(f"invalid CA bundle data: {err}") from None
        return ConciergeClient(
            endpoint,
            ca_bundle,
            Authenticator(params.concierge_authenticator_type, params.concierge_authenticator_name),
            api_group_suffix=params.concierge_api_group_suffix,
            timeout=EXCHANGE_TIMEOUT_SECONDS,
        )
    except InvalidConciergeParameters as err:
        raise CLIError(str(err)) from None


def _read_token(params: StaticLoginParams, env: Mapping[str, str]) -> str:
    if not params.token_env:
        return params.token
    token = env.get(params.token_env)
    if token is None:
        raise CLIError(f'--token-env variable "{params.token_env}" is not set')
    if not token:
        raise CLIError(f'--token-env variable "{params.token_env}" is empty')
    return token


def _cache(params: StaticLoginParams, deps: LoginDeps) -> CredentialCache | None:
    path = default_path(deps.env) if params.credential_cache is None else params.credential_cache
    if not path:
        return None
    return CredentialCache(Path(path), now=deps.now)
