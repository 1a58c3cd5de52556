"""`pinniped login static`: kubectl's exec credential plugin (standard library only).

This runs on every kubectl call, so a cache hit imports as little as possible: the Concierge
client (and with it TLS and HTTP) is only loaded when a token has to be exchanged.
"""

from __future__ import annotations

import base64
import binascii
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple, TextIO

from pinniped.cli.cache import CredentialCache, cache_key, default_path
from pinniped.cli.errors import CLIError
from pinniped.cli.execinfo import ExecInfo, exec_credential_json, read_exec_info
from pinniped.client import params
from pinniped.client.errors import ConciergeError, InvalidConciergeParameters

if TYPE_CHECKING:
    from pinniped.api.execcredential import ExecCredentialStatus
    from pinniped.client.concierge import ConciergeClient
    from pinniped.client.credential import ClusterCredential

EXCHANGE_TIMEOUT_SECONDS = 30.0


class StaticLoginParams(NamedTuple):
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


class LoginDeps(NamedTuple):
    """Everything the login touches outside itself; tests replace any of it."""

    env: Mapping[str, str]
    argv: Sequence[str]
    stdout: TextIO = sys.stdout
    now: Callable[[], datetime] = _now
    exchange: Callable[[ConciergeClient, str], ClusterCredential] = _exchange


class _ConciergeParams(NamedTuple):
    endpoint: str
    ca_bundle: bytes | None


def run_static_login(params_: StaticLoginParams, deps: LoginDeps) -> None:
    """Print an ExecCredential for the token, exchanged with the Concierge when enabled."""
    if not params_.token and not params_.token_env:
        raise CLIError("one of --token or --token-env must be set")
    exec_info = read_exec_info(deps.env)
    concierge = _concierge_params(params_, exec_info) if params_.enable_concierge else None
    token = _read_token(params_, deps.env)

    if concierge is None:
        status: ExecCredentialStatus = {"expirationTimestamp": None, "token": token}
        deps.stdout.write(exec_credential_json(exec_info.api_version, status))
        return

    cache = _cache(params_, deps)
    key = cache_key(deps.argv, token, exec_info.cluster)
    cached = cache.get(key) if cache else None
    if cached is not None:
        deps.stdout.write(exec_credential_json(exec_info.api_version, cached))
        return
    try:
        credential = deps.exchange(_client(params_, concierge), token)
    except ConciergeError as err:
        raise CLIError(f"could not complete Concierge credential exchange: {err}") from None
    status = credential.exec_credential_status()
    if cache is not None:
        cache.put(key, status)
    deps.stdout.write(exec_credential_json(exec_info.api_version, status))


def _concierge_params(params_: StaticLoginParams, exec_info: ExecInfo) -> _ConciergeParams:
    """Validate in upstream's order (endpoint, CA bundle, authenticator) before any cache lookup."""
    cluster = exec_info.cluster or {}
    endpoint = params_.concierge_endpoint or str(cluster.get("server") or "")
    cluster_ca = str(cluster.get("certificate-authority-data") or "")
    ca_data = params_.concierge_ca_bundle_data or cluster_ca
    try:
        params.endpoint_url(endpoint)
        try:
            ca_bundle = base64.b64decode(ca_data, validate=True) if ca_data else None
        except binascii.Error as err:
            raise InvalidConciergeParameters(f"invalid CA bundle data: {err}") from None
        params.ca_bundle_pem(ca_bundle)
        params.authenticator_kind(params_.concierge_authenticator_type, params_.concierge_authenticator_name)
        params.api_group_suffix(params_.concierge_api_group_suffix)
    except InvalidConciergeParameters as err:
        raise CLIError(str(err)) from None
    return _ConciergeParams(endpoint, ca_bundle)


def _client(params_: StaticLoginParams, concierge: _ConciergeParams) -> ConciergeClient:
    from pinniped.client.concierge import Authenticator, ConciergeClient

    authenticator = Authenticator(params_.concierge_authenticator_type, params_.concierge_authenticator_name)
    return ConciergeClient(
        concierge.endpoint,
        concierge.ca_bundle,
        authenticator,
        api_group_suffix=params_.concierge_api_group_suffix,
        timeout=EXCHANGE_TIMEOUT_SECONDS,
    )


def _read_token(params_: StaticLoginParams, env: Mapping[str, str]) -> str:
    if not params_.token_env:
        return params_.token
    token = env.get(params_.token_env)
    if token is None:
        raise CLIError(f'--token-env variable "{params_.token_env}" is not set')
    if not token:
        raise CLIError(f'--token-env variable "{params_.token_env}" is empty')
    return token


def _cache(params_: StaticLoginParams, deps: LoginDeps) -> CredentialCache | None:
    path = default_path(deps.env) if params_.credential_cache is None else params_.credential_cache
    return CredentialCache(path, now=deps.now) if path else None
