"""Expose a host process as an aggregated API: ExternalName Service `localhost` + APIService.

kube-apiserver resolves an ExternalName Service to `https://<externalName>:<APIService port>` and
sets the TLS server name to `<service>.<namespace>.svc`, so the backend's serving certificate must
carry that SAN. Loopback Endpoints are rejected by validation, hence ExternalName.
"""

from __future__ import annotations

import base64
import json
import time

from pinniped.testing.clusters.base import Cluster


def apiservice_name(group: str, version: str) -> str:
    return f"{version}.{group}"


def local_backend_manifests(
    group: str,
    version: str,
    port: int,
    service_name: str,
    namespace: str,
    ca_bundle_pem: bytes | None = None,
    group_priority_minimum: int = 9900,
    version_priority: int = 15,
) -> list[dict[str, object]]:
    service_spec: dict[str, object] = {
        "group": group,
        "version": version,
        "groupPriorityMinimum": group_priority_minimum,
        "versionPriority": version_priority,
        "service": {"name": service_name, "namespace": namespace, "port": port},
    }
    if ca_bundle_pem is not None:
        service_spec["caBundle"] = base64.b64encode(ca_bundle_pem).decode()
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}},
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": service_name, "namespace": namespace},
            "spec": {"type": "ExternalName", "externalName": "localhost"},
        },
        {
            "apiVersion": "apiregistration.k8s.io/v1",
            "kind": "APIService",
            "metadata": {"name": apiservice_name(group, version)},
            "spec": service_spec,
        },
    ]


def expose_local_backend(
    cluster: Cluster,
    group: str,
    version: str,
    port: int,
    service_name: str,
    namespace: str,
    ca_bundle_pem: bytes | None = None,
    wait_seconds: float = 60,
) -> None:
    """Create (or update) the Service and APIService, then wait until the APIService is Available."""
    documents = local_backend_manifests(group, version, port, service_name, namespace, ca_bundle_pem)
    payload = json.dumps({"apiVersion": "v1", "kind": "List", "items": documents})
    cluster.kubectl("apply", "--server-side", "--force-conflicts", "-f", "-", input=payload)
    if wait_seconds > 0:
        wait_available(cluster, group, version, wait_seconds)


def wait_available(cluster: Cluster, group: str, version: str, wait_seconds: float = 60) -> None:
    name = apiservice_name(group, version)
    deadline = time.monotonic() + wait_seconds
    last = ""
    while time.monotonic() < deadline:
        result = cluster.kubectl("get", "apiservice", name, "-o", "json", check=False)
        if result.returncode == 0:
            conditions = json.loads(result.stdout).get("status", {}).get("conditions", [])
            for condition in conditions:
                if condition.get("type") == "Available":
                    if condition.get("status") == "True":
                        return
                    last = f"{condition.get('reason')}: {condition.get('message')}"
        time.sleep(0.2)
    raise TimeoutError(f"APIService {name} not Available after {wait_seconds:.0f}s ({last})")


def remove_local_backend(
    cluster: Cluster, group: str, version: str, service_name: str, namespace: str
) -> None:
    """Delete the APIService first, so discovery never sees a dead backend."""
    cluster.kubectl(
        "delete", "apiservice", apiservice_name(group, version), "--ignore-not-found", check=False
    )
    cluster.kubectl("delete", "service", service_name, "-n", namespace, "--ignore-not-found", check=False)


__all__ = [
    "apiservice_name",
    "expose_local_backend",
    "local_backend_manifests",
    "remove_local_backend",
    "wait_available",
]
