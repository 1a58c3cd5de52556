"""What `get kubeconfig` learns from the cluster: the CredentialIssuer, its frontend, the authenticator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pinniped.api.groups import (
    AUTHENTICATOR_KINDS,
    CREDENTIAL_ISSUERS,
    JWT_AUTHENTICATORS,
    WEBHOOK_AUTHENTICATORS,
    ConciergeGroups,
)
from pinniped.cli.apiserver import ApiCallFailed, ApiServer
from pinniped.cli.errors import CLIError

Log = Callable[..., None]
_RESOURCES = {"webhook": WEBHOOK_AUTHENTICATORS, "jwt": JWT_AUTHENTICATORS}


@dataclass(frozen=True)
class AuthenticatorRef:
    type: str  # "webhook" | "jwt"
    name: str

    @property
    def kind(self) -> str:
        return AUTHENTICATOR_KINDS[self.type]


def credential_issuer(api: ApiServer, groups: ConciergeGroups, name: str) -> dict[str, Any]:
    base = f"/apis/{groups.api_version(groups.config)}/{CREDENTIAL_ISSUERS}"
    try:
        if name:
            return api.get(f"{base}/{name}")
        items = api.get(base).get("items") or []
    except ApiCallFailed as err:
        raise CLIError(f"could not get CredentialIssuer: {err}") from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise CLIError("could not get CredentialIssuer: the response is not a CredentialIssuerList")
    if not items:
        raise CLIError("no CredentialIssuers were found")
    if len(items) > 1:
        raise CLIError(
            "multiple CredentialIssuers were found, so the --concierge-credential-issuer flag "
            "must be specified"
        )
    return dict(items[0])


def pending(issuer: dict[str, Any]) -> bool:
    """No strategy reported yet, or one still `Pending` (upstream's reason for work in progress)."""
    status = issuer.get("status")
    strategies = status.get("strategies") if isinstance(status, dict) else None
    if not isinstance(strategies, list) or not strategies:
        return True
    return any(isinstance(s, dict) and s.get("reason") == "Pending" for s in strategies)


def token_credential_request_frontend(issuer: dict[str, Any]) -> dict[str, Any]:
    """The successful strategy's TokenCredentialRequestAPI frontend; the only mode we support."""
    status = issuer.get("status")
    found_strategies = status.get("strategies") if isinstance(status, dict) else None
    strategies = (
        [s for s in found_strategies if isinstance(s, dict)] if isinstance(found_strategies, list) else []
    )
    frontends = [
        strategy.get("frontend") or {}
        for strategy in strategies
        if strategy.get("status") == "Success" and isinstance(strategy.get("frontend"), dict)
    ]
    for frontend in frontends:
        if frontend.get("type") == "TokenCredentialRequestAPI":
            return dict(frontend)
    if frontends:
        found = ", ".join(str(frontend.get("type")) for frontend in frontends)
        raise CLIError(f"only TokenCredentialRequestAPI mode is supported; the Concierge offers {found}")
    details = "; ".join(
        f"{strategy.get('type')}: {strategy.get('status')} ({strategy.get('message', '')})"
        for strategy in strategies
    )
    raise CLIError(f"could not autodiscover --concierge-mode: no successful strategy ({details})")


def authenticator(
    api: ApiServer, groups: ConciergeGroups, wanted_type: str, wanted_name: str
) -> AuthenticatorRef:
    """The one authenticator to use: the named one, or the only one there is."""
    wanted_type = wanted_type.lower()
    if wanted_type and wanted_type not in _RESOURCES:
        raise CLIError(
            f'invalid authenticator type: "{wanted_type}", supported values are "webhook" and "jwt"'
        )
    base = f"/apis/{groups.api_version(groups.authentication)}"
    if wanted_type and wanted_name:
        try:
            api.get(f"{base}/{_RESOURCES[wanted_type]}/{wanted_name}")
        except ApiCallFailed as err:
            raise CLIError(f"could not get {AUTHENTICATOR_KINDS[wanted_type]}: {err}") from None
        return AuthenticatorRef(wanted_type, wanted_name)
    found = [
        AuthenticatorRef(kind, str((item.get("metadata") or {}).get("name", "")))
        for kind in ("jwt", "webhook")
        if wanted_type in ("", kind)
        for item in _list(api, f"{base}/{_RESOURCES[kind]}", AUTHENTICATOR_KINDS[kind])
    ]
    found = [ref for ref in found if wanted_name in ("", ref.name)]
    if not found:
        raise CLIError(
            "no authenticators were found; create a WebhookAuthenticator or JWTAuthenticator, or "
            "pass --concierge-authenticator-type and --concierge-authenticator-name"
        )
    if len(found) > 1:
        raise CLIError(
            "multiple authenticators were found, so the --concierge-authenticator-type and "
            "--concierge-authenticator-name flags must be specified"
        )
    return found[0]


def _list(api: ApiServer, path: str, kind: str) -> list[dict[str, Any]]:
    try:
        return list(api.get(path).get("items") or [])
    except ApiCallFailed as err:
        if err.status == 404:
            return []  # that authenticator type is not installed
        raise CLIError(f"failed to list {kind} objects for autodiscovery: {err}") from None
