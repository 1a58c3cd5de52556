"""The Concierge's namespace, workload, Service and APIServices (plus CRDs and RBAC)."""

from __future__ import annotations

from typing import Any

from pinniped.api.groups import VERSION
from pinniped.deploy.crds import render_crds
from pinniped.deploy.params import API_PORT, DeployParams
from pinniped.deploy.rbac import render_rbac

Manifest = dict[str, Any]
GROUP_PRIORITY_MINIMUM = 9900
VERSION_PRIORITY = 15


def namespace(params: DeployParams) -> Manifest:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": params.metadata(params.namespace, False)}


def service_account(params: DeployParams) -> Manifest:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": params.metadata(params.service_account)}


def service(params: DeployParams) -> Manifest:
    if params.local_port is not None:
        # kube-apiserver's aggregator dials <externalName>:<APIService port> for ExternalName Services.
        spec: Manifest = {"type": "ExternalName", "externalName": "localhost"}
    else:
        spec = {
            "type": "ClusterIP",
            "selector": {"app": params.app_name},
            "ports": [{"name": "api", "protocol": "TCP", "port": 443, "targetPort": API_PORT}],
        }
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": params.metadata(params.service_name),
        "spec": spec,
    }


def deployment(params: DeployParams) -> Manifest:
    probe = {"httpGet": {"path": "/healthz", "port": API_PORT, "scheme": "HTTPS"}, "periodSeconds": 10}
    container = {
        "name": params.app_name,
        "image": params.image,
        "imagePullPolicy": "IfNotPresent",
        "command": ["pinniped-concierge"],
        # In-cluster: serve every interface; sign through the CSR API (no node access needed).
        "args": [
            "--listen-address=0.0.0.0",
            f"--port={API_PORT}",
            f"--namespace={params.namespace}",
            f"--api-group-suffix={params.api_group_suffix}",
            "--signer=csr",
            *params.args,
        ],
        "env": [
            {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
        ],
        "ports": [{"containerPort": API_PORT, "protocol": "TCP"}],
        "livenessProbe": {**probe, "timeoutSeconds": 15, "failureThreshold": 5},
        "readinessProbe": {**probe, "timeoutSeconds": 3, "failureThreshold": 3},
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True},
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": params.metadata(params.app_name),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": params.app_name}},
            "template": {
                "metadata": {"labels": params.all_labels},
                "spec": {
                    "serviceAccountName": params.service_account,
                    "containers": [container],
                    "securityContext": {"runAsNonRoot": True, "runAsUser": 65532},
                },
            },
        },
    }


def apiservices(params: DeployParams) -> list[Manifest]:
    port = params.local_port if params.local_port is not None else 443
    return [
        {
            "apiVersion": "apiregistration.k8s.io/v1",
            "kind": "APIService",
            "metadata": {"name": f"{VERSION}.{group}", "labels": params.all_labels},
            "spec": {
                "group": group,
                "version": VERSION,
                "groupPriorityMinimum": GROUP_PRIORITY_MINIMUM,
                "versionPriority": VERSION_PRIORITY,
                # caBundle is left out: the Concierge fills it in and keeps it current.
                "service": {"name": params.service_name, "namespace": params.namespace, "port": port},
            },
        }
        for group in (params.groups.login, params.groups.identity)
    ]


def render_concierge(params: DeployParams) -> list[Manifest]:
    """Everything, in an order `kubectl apply` accepts; no Deployment in the local variant."""
    workload = [] if params.local_port is not None else [deployment(params)]
    return [
        *render_crds(params.groups),
        namespace(params),
        service_account(params),
        *render_rbac(params),
        *workload,
        service(params),
        *apiservices(params),
    ]
