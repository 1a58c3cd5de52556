from __future__ import annotations

from typing import Any

import pytest
import yaml

from pinniped.api.groups import ConciergeGroups
from pinniped.deploy.__main__ import main
from pinniped.deploy.concierge import render_concierge
from pinniped.deploy.crds import render_crds
from pinniped.deploy.params import DeployParams


def by_kind(manifests: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {m["metadata"]["name"]: m for m in manifests if m["kind"] == kind}


def test_crds_are_cluster_scoped_with_status_and_the_pinniped_category() -> None:
    crds = {crd["metadata"]["name"]: crd for crd in render_crds(ConciergeGroups())}
    assert set(crds) == {
        "webhookauthenticators.authentication.concierge.pinniped.dev",
        "jwtauthenticators.authentication.concierge.pinniped.dev",
        "credentialissuers.config.concierge.pinniped.dev",
    }
    for crd in crds.values():
        assert crd["spec"]["scope"] == "Cluster"
        assert "pinniped" in crd["spec"]["names"]["categories"]
        (version,) = crd["spec"]["versions"]
        assert version["name"] == "v1alpha1"
        assert version["subresources"] == {"status": {}}


def test_webhook_crd_validates_the_endpoint_and_prints_status() -> None:
    crd = render_crds(ConciergeGroups())[0]
    (version,) = crd["spec"]["versions"]
    spec = version["schema"]["openAPIV3Schema"]["properties"]["spec"]
    assert spec["required"] == ["endpoint"]
    assert spec["properties"]["endpoint"] == {"type": "string", "minLength": 1, "pattern": "^https://"}
    columns = [(c["name"], c["jsonPath"]) for c in version["additionalPrinterColumns"]]
    assert columns == [
        ("Endpoint", ".spec.endpoint"),
        ("Status", ".status.phase"),
        ("Age", ".metadata.creationTimestamp"),
    ]


def test_group_suffix_renames_every_group() -> None:
    manifests = render_concierge(DeployParams(api_group_suffix="example.com"))
    text = yaml.safe_dump_all(manifests)
    assert "pinniped.dev" not in text
    assert "v1alpha1.login.concierge.example.com" in by_kind(manifests, "APIService")


def test_pre_authentication_apis_are_open_to_everyone() -> None:
    manifests = render_concierge(DeployParams())
    role = by_kind(manifests, "ClusterRole")["pinniped-concierge-pre-authn-apis"]
    assert role["rules"] == [
        {
            "apiGroups": ["login.concierge.pinniped.dev"],
            "resources": ["tokencredentialrequests"],
            "verbs": ["create", "list"],
        },
        {
            "apiGroups": ["identity.concierge.pinniped.dev"],
            "resources": ["whoamirequests"],
            "verbs": ["create", "list"],
        },
    ]
    binding = by_kind(manifests, "ClusterRoleBinding")["pinniped-concierge-pre-authn-apis"]
    assert {s["name"] for s in binding["subjects"]} == {"system:authenticated", "system:unauthenticated"}


def test_service_account_can_delegate_and_approve_client_csrs() -> None:
    manifests = render_concierge(DeployParams())
    bindings = by_kind(manifests, "ClusterRoleBinding") | by_kind(manifests, "RoleBinding")
    refs = {(b["roleRef"]["kind"], b["roleRef"]["name"]) for b in bindings.values()}
    assert ("ClusterRole", "system:auth-delegator") in refs
    assert ("Role", "extension-apiserver-authentication-reader") in refs
    reader = bindings["pinniped-concierge-extension-apiserver-authentication-reader"]
    assert reader["metadata"]["namespace"] == "kube-system"
    rules = by_kind(manifests, "ClusterRole")["pinniped-concierge-aggregated-api-server"]["rules"]
    assert {
        "apiGroups": ["certificates.k8s.io"],
        "resources": ["signers"],
        "verbs": ["approve"],
        "resourceNames": ["kubernetes.io/kube-apiserver-client"],
    } in rules


def test_in_cluster_variant_runs_a_deployment_behind_a_service() -> None:
    manifests = render_concierge(DeployParams(namespace="ns", image="registry/concierge:1"))
    deployment = by_kind(manifests, "Deployment")["pinniped-concierge"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "registry/concierge:1"
    assert container["ports"] == [{"containerPort": 10250, "protocol": "TCP"}]
    service = by_kind(manifests, "Service")["pinniped-concierge-api"]
    assert service["spec"]["ports"][0]["port"] == 443
    assert service["spec"]["ports"][0]["targetPort"] == 10250
    for apiservice in by_kind(manifests, "APIService").values():
        assert apiservice["spec"]["groupPriorityMinimum"] == 9900
        assert apiservice["spec"]["versionPriority"] == 15
        assert "caBundle" not in apiservice["spec"]
        assert apiservice["spec"]["service"] == {
            "name": "pinniped-concierge-api",
            "namespace": "ns",
            "port": 443,
        }


def test_local_variant_points_at_localhost_on_the_host_port() -> None:
    manifests = render_concierge(DeployParams(local_port=18443))
    assert "Deployment" not in {m["kind"] for m in manifests}
    service = by_kind(manifests, "Service")["pinniped-concierge-api"]
    assert service["spec"] == {"type": "ExternalName", "externalName": "localhost"}
    ports = {a["spec"]["service"]["port"] for a in by_kind(manifests, "APIService").values()}
    assert ports == {18443}


def test_cli_prints_yaml_documents(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crds"]) == 0
    documents = list(yaml.safe_load_all(capsys.readouterr().out))
    assert [d["kind"] for d in documents] == ["CustomResourceDefinition"] * 3
