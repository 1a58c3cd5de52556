"""CustomResourceDefinitions (apiextensions.k8s.io/v1) for the Concierge's own API groups."""

from __future__ import annotations

from typing import Any

from pinniped.api.groups import VERSION, ConciergeGroups

Manifest = dict[str, Any]

_STRING: Manifest = {"type": "string"}
_CONDITIONS: Manifest = {
    "type": "array",
    "x-kubernetes-list-type": "map",
    "x-kubernetes-list-map-keys": ["type"],
    "items": {
        "type": "object",
        "required": ["lastTransitionTime", "message", "reason", "status", "type"],
        "properties": {
            "lastTransitionTime": {"type": "string", "format": "date-time"},
            "message": {"type": "string", "maxLength": 32768},
            "observedGeneration": {"type": "integer", "format": "int64", "minimum": 0},
            "reason": {
                "type": "string",
                "maxLength": 1024,
                "minLength": 1,
                "pattern": "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
            },
            "status": {"type": "string", "enum": ["True", "False", "Unknown"]},
            "type": {"type": "string", "maxLength": 316},
        },
    },
}
_TLS: Manifest = {
    "type": "object",
    "description": "TLS configuration.",
    "properties": {
        "certificateAuthorityData": {
            "type": "string",
            "description": "X.509 CA (base64-encoded PEM bundle); omitted means system roots.",
        }
    },
}
_AUTHENTICATOR_STATUS: Manifest = {
    "type": "object",
    "properties": {
        "conditions": _CONDITIONS,
        "phase": {"type": "string", "default": "Pending", "enum": ["Pending", "Ready", "Error"]},
    },
}
_HTTPS_URL: Manifest = {"type": "string", "minLength": 1, "pattern": "^https://"}


def _crd(
    group: str,
    kind: str,
    plural: str,
    spec: Manifest,
    status: Manifest,
    columns: list[Manifest],
    categories: list[str],
    spec_required: bool = True,
) -> Manifest:
    schema: Manifest = {
        "type": "object",
        "properties": {
            "apiVersion": _STRING,
            "kind": _STRING,
            "metadata": {"type": "object"},
            "spec": spec,
            "status": status,
        },
    }
    if spec_required:
        schema["required"] = ["spec"]
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "names": {
                "kind": kind,
                "listKind": f"{kind}List",
                "plural": plural,
                "singular": kind.lower(),
                "categories": categories,
            },
            "scope": "Cluster",
            "versions": [
                {
                    "name": VERSION,
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": schema},
                    "subresources": {"status": {}},
                    "additionalPrinterColumns": columns,
                }
            ],
        },
    }


def _column(name: str, path: str, type_: str = "string") -> Manifest:
    return {"name": name, "jsonPath": path, "type": type_}


_AGE = _column("Age", ".metadata.creationTimestamp", "date")
_AUTHENTICATOR_CATEGORIES = ["pinniped", "pinniped-authenticator", "pinniped-authenticators"]


def webhook_authenticators(groups: ConciergeGroups) -> Manifest:
    spec = {
        "type": "object",
        "required": ["endpoint"],
        "properties": {"endpoint": _HTTPS_URL, "tls": _TLS},
    }
    columns = [_column("Endpoint", ".spec.endpoint"), _column("Status", ".status.phase"), _AGE]
    return _crd(
        groups.authentication,
        "WebhookAuthenticator",
        "webhookauthenticators",
        spec,
        _AUTHENTICATOR_STATUS,
        columns,
        _AUTHENTICATOR_CATEGORIES,
    )


def jwt_authenticators(groups: ConciergeGroups) -> Manifest:
    claims = {"type": "object", "properties": {"username": _STRING, "groups": _STRING}}
    spec = {
        "type": "object",
        "required": ["issuer", "audience"],
        "properties": {
            "issuer": _HTTPS_URL,
            "audience": {"type": "string", "minLength": 1},
            "claims": claims,
            "tls": _TLS,
        },
    }
    columns = [
        _column("Issuer", ".spec.issuer"),
        _column("Audience", ".spec.audience"),
        _column("Status", ".status.phase"),
        _AGE,
    ]
    return _crd(
        groups.authentication,
        "JWTAuthenticator",
        "jwtauthenticators",
        spec,
        _AUTHENTICATOR_STATUS,
        columns,
        _AUTHENTICATOR_CATEGORIES,
    )


def credential_issuers(groups: ConciergeGroups) -> Manifest:
    frontend = {
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {"type": "string", "enum": ["TokenCredentialRequestAPI", "ImpersonationProxy"]},
            "tokenCredentialRequestInfo": {
                "type": "object",
                "required": ["server", "certificateAuthorityData"],
                "properties": {
                    "server": {"type": "string", "pattern": "^https://"},
                    "certificateAuthorityData": {"type": "string", "minLength": 1},
                },
            },
        },
    }
    strategy = {
        "type": "object",
        "required": ["type", "status", "reason", "message", "lastUpdateTime"],
        "properties": {
            "type": {"type": "string", "enum": ["KubeClusterSigningCertificate", "ImpersonationProxy"]},
            "status": {"type": "string", "enum": ["Success", "Error"]},
            "reason": {
                "type": "string",
                "enum": [
                    "Listening",
                    "Pending",
                    "Disabled",
                    "ErrorDuringSetup",
                    "CouldNotFetchKey",
                    "CouldNotGetClusterInfo",
                    "FetchedKey",
                ],
            },
            "message": _STRING,
            "lastUpdateTime": {"type": "string", "format": "date-time"},
            "frontend": frontend,
        },
    }
    spec = {
        "type": "object",
        "properties": {
            "impersonationProxy": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
        },
    }
    status = {"type": "object", "properties": {"strategies": {"type": "array", "items": strategy}}}
    return _crd(
        groups.config,
        "CredentialIssuer",
        "credentialissuers",
        spec,
        status,
        [_AGE],
        ["pinniped"],
        spec_required=False,
    )


def render_crds(groups: ConciergeGroups) -> list[Manifest]:
    return [webhook_authenticators(groups), jwt_authenticators(groups), credential_issuers(groups)]
