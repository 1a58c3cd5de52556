"""The cluster under test is a real Kubernetes: version, kubectl, CRDs, anonymous access, RBAC."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from pinniped.testing.binaries import kubernetes_version
from pinniped.testing.clusters.base import Cluster


@pytest.mark.capability("localControlPlane")
def test_server_version_is_the_pinned_release(cluster: Cluster) -> None:
    versions = json.loads(cluster.kubectl("version", "-o", "json").stdout)
    assert versions["serverVersion"]["gitVersion"] == kubernetes_version()
    assert versions["clientVersion"]["gitVersion"] == kubernetes_version()


def test_admin_kubeconfig_works_with_kubectl(cluster: Cluster) -> None:
    whoami = json.loads(cluster.kubectl("auth", "whoami", "-o", "json").stdout)
    assert "system:masters" in whoami["status"]["userInfo"]["groups"]
    namespaces = cluster.kubectl("get", "namespaces", "-o", "name").stdout.split()
    assert "namespace/kube-system" in namespaces


def test_a_crd_installs_and_a_custom_object_round_trips(cluster: Cluster) -> None:
    group = f"smoke{uuid.uuid4().hex[:8]}.example.com"
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"widgets.{group}"},
        "spec": {
            "group": group,
            "scope": "Cluster",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "properties": {
                                "spec": {
                                    "type": "object",
                                    "properties": {"size": {"type": "integer"}},
                                }
                            },
                        }
                    },
                }
            ],
        },
    }
    cluster.kubectl("apply", "-f", "-", input=json.dumps(crd))
    try:
        cluster.kubectl("wait", "--for=condition=Established", f"crd/widgets.{group}", "--timeout=30s")
        widget = {
            "apiVersion": f"{group}/v1",
            "kind": "Widget",
            "metadata": {"name": "w1"},
            "spec": {"size": 3},
        }
        _create_when_served(cluster, json.dumps(widget))
        fetched = json.loads(cluster.kubectl("get", f"widgets.{group}", "w1", "-o", "json").stdout)
        assert fetched["spec"] == {"size": 3}
    finally:
        cluster.kubectl("delete", "crd", f"widgets.{group}", "--wait=false", check=False)


def _create_when_served(cluster: Cluster, manifest: str) -> None:
    """A just-Established CRD can take a moment to appear in discovery."""
    deadline = time.monotonic() + 20
    while True:
        result = cluster.kubectl("create", "-f", "-", input=manifest, check=False)
        if result.returncode == 0 or time.monotonic() > deadline:
            assert result.returncode == 0, result.stderr
            return
        time.sleep(0.2)
