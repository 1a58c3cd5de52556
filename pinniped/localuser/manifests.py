"""The objects that deploy the server into a cluster, as plain dicts (JSON/YAML-ready)."""

from __future__ import annotations

from typing import Any

from pinniped.localuser.config import APP_NAME, DEFAULT_PORT, NAMESPACE

Manifest = dict[str, Any]


def render(image: str, namespace: str = NAMESPACE) -> list[Manifest]:
    """Namespace, ServiceAccount, Role + RoleBinding, Deployment and Service."""
    labels = {"app": APP_NAME}

    def meta(name: str = APP_NAME) -> dict[str, Any]:
        return {"name": name, "namespace": namespace, "labels": dict(labels)}

    return [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": namespace, "labels": dict(labels)},
        },
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta()},
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": meta(),
            "rules": [
                {
                    "apiGroups": [""],
                    "resources": ["secrets"],
                    "verbs": ["get", "list", "watch", "create"],
                }
            ],
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": meta(),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": APP_NAME},
            "subjects": [{"kind": "ServiceAccount", "name": APP_NAME, "namespace": namespace}],
        },
        _deployment(meta(), labels, image, namespace),
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta(),
            "spec": {
                "type": "ClusterIP",
                "selector": dict(labels),
                "ports": [{"name": "https", "protocol": "TCP", "port": 443, "targetPort": DEFAULT_PORT}],
            },
        },
    ]


def as_list(manifests: list[Manifest]) -> Manifest:
    """One v1 List, so `kubectl apply -f -` takes them all as one JSON document."""
    return {"apiVersion": "v1", "kind": "List", "items": manifests}


def _deployment(metadata: dict[str, Any], labels: dict[str, str], image: str, namespace: str) -> Manifest:
    container = {
        "name": APP_NAME,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "command": ["local-user-authenticator"],
        # In a pod the Service reaches the container on its pod IP, so listen on all addresses.
        "args": [
            "serve",
            "--namespace",
            namespace,
            "--listen-address",
            "0.0.0.0",  # noqa: S104
            "--port",
            str(DEFAULT_PORT),
            "--log-format",
            "json",
        ],
        "ports": [{"name": "https", "containerPort": DEFAULT_PORT, "protocol": "TCP"}],
        "readinessProbe": {"tcpSocket": {"port": DEFAULT_PORT}, "periodSeconds": 5},
        "resources": {
            "requests": {"cpu": "100m", "memory": "64Mi"},
            "limits": {"memory": "256Mi"},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "runAsUser": 65532,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata,
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": {"serviceAccountName": APP_NAME, "containers": [container]},
            },
        },
    }
