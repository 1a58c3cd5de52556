"""RBAC: who may call the pre-authentication APIs, and what the Concierge's ServiceAccount may do."""

from __future__ import annotations

from typing import Any

from pinniped.api.groups import (
    CREDENTIAL_ISSUERS,
    JWT_AUTHENTICATORS,
    TOKEN_CREDENTIAL_REQUESTS,
    WEBHOOK_AUTHENTICATORS,
    WHO_AM_I_REQUESTS,
)
from pinniped.deploy.params import DeployParams

Manifest = dict[str, Any]
RBAC = "rbac.authorization.k8s.io"
PRE_AUTHN_ROLE = "pinniped-concierge-pre-authn-apis"


def _rule(groups: list[str], resources: list[str], verbs: list[str], **extra: Any) -> Manifest:
    return {"apiGroups": groups, "resources": resources, "verbs": verbs, **extra}


def _binding(
    kind: str, name: str, role_kind: str, role: str, subjects: list[Manifest], **meta: Any
) -> Manifest:
    return {
        "apiVersion": f"{RBAC}/v1",
        "kind": kind,
        "metadata": {"name": name, **meta},
        "subjects": subjects,
        "roleRef": {"apiGroup": RBAC, "kind": role_kind, "name": role},
    }


def render_rbac(params: DeployParams) -> list[Manifest]:
    groups = params.groups
    labels = params.all_labels
    sa = [{"kind": "ServiceAccount", "name": params.service_account, "namespace": params.namespace}]
    everyone = [
        {"kind": "Group", "apiGroup": RBAC, "name": "system:authenticated"},
        {"kind": "Group", "apiGroup": RBAC, "name": "system:unauthenticated"},
    ]
    cluster_role_name = f"{params.app_name}-aggregated-api-server"
    cluster_rules = [
        _rule(
            [groups.authentication], [WEBHOOK_AUTHENTICATORS, JWT_AUTHENTICATORS], ["get", "list", "watch"]
        ),
        _rule(
            [groups.authentication],
            [f"{WEBHOOK_AUTHENTICATORS}/status", f"{JWT_AUTHENTICATORS}/status"],
            ["get", "patch", "update"],
        ),
        _rule([groups.config], [CREDENTIAL_ISSUERS], ["get", "list", "watch", "create", "update", "patch"]),
        _rule([groups.config], [f"{CREDENTIAL_ISSUERS}/status"], ["get", "patch", "update"]),
        _rule(["apiregistration.k8s.io"], ["apiservices"], ["get", "list", "watch", "update", "patch"]),
        _rule(
            ["certificates.k8s.io"],
            ["certificatesigningrequests"],
            ["create", "delete", "get", "list", "watch"],
        ),
        _rule(["certificates.k8s.io"], ["certificatesigningrequests/approval"], ["update"]),
        _rule(
            ["certificates.k8s.io"],
            ["signers"],
            ["approve"],
            resourceNames=["kubernetes.io/kube-apiserver-client"],
        ),
    ]
    namespace_role_name = f"{params.app_name}-aggregated-api-server"
    namespace_rules = [
        _rule([""], ["secrets"], ["create", "get", "list", "watch", "update", "patch", "delete"]),
    ]
    return [
        {
            "apiVersion": f"{RBAC}/v1",
            "kind": "ClusterRole",
            "metadata": {"name": PRE_AUTHN_ROLE, "labels": labels},
            "rules": [
                _rule([groups.login], [TOKEN_CREDENTIAL_REQUESTS], ["create", "list"]),
                _rule([groups.identity], [WHO_AM_I_REQUESTS], ["create", "list"]),
            ],
        },
        _binding(
            "ClusterRoleBinding", PRE_AUTHN_ROLE, "ClusterRole", PRE_AUTHN_ROLE, everyone, labels=labels
        ),
        {
            "apiVersion": f"{RBAC}/v1",
            "kind": "ClusterRole",
            "metadata": {"name": cluster_role_name, "labels": labels},
            "rules": cluster_rules,
        },
        _binding(
            "ClusterRoleBinding", cluster_role_name, "ClusterRole", cluster_role_name, sa, labels=labels
        ),
        {
            "apiVersion": f"{RBAC}/v1",
            "kind": "Role",
            "metadata": {"name": namespace_role_name, "namespace": params.namespace, "labels": labels},
            "rules": namespace_rules,
        },
        _binding(
            "RoleBinding",
            namespace_role_name,
            "Role",
            namespace_role_name,
            sa,
            namespace=params.namespace,
            labels=labels,
        ),
        # Delegated authentication and authorization, as every aggregated API server needs.
        _binding(
            "ClusterRoleBinding",
            f"{params.app_name}-auth-delegator",
            "ClusterRole",
            "system:auth-delegator",
            sa,
            labels=labels,
        ),
        _binding(
            "RoleBinding",
            f"{params.app_name}-extension-apiserver-authentication-reader",
            "Role",
            "extension-apiserver-authentication-reader",
            sa,
            namespace="kube-system",
            labels=labels,
        ),
    ]
