"""The deploy manifests: one of each object, wired to each other by name, label and port."""

from __future__ import annotations

from typing import Any

from pinniped.localuser.manifests import as_list, render

IMAGE = "registry.example/local-user-authenticator:test"


def by_kind() -> dict[str, dict[str, Any]]:
    objects = render(IMAGE)
    kinds = {obj["kind"]: obj for obj in objects}
    assert len(kinds) == len(objects)
    return kinds


def test_renders_one_of_each_kind_in_its_namespace() -> None:
    kinds = by_kind()
    assert set(kinds) == {
        "Namespace",
        "ServiceAccount",
        "Role",
        "RoleBinding",
        "Deployment",
        "Service",
    }
    assert kinds["Namespace"]["metadata"]["name"] == "local-user-authenticator"
    for kind, obj in kinds.items():
        if kind != "Namespace":
            assert obj["metadata"]["namespace"] == "local-user-authenticator"


def test_role_allows_reading_watching_and_creating_secrets_only() -> None:
    kinds = by_kind()
    assert kinds["Role"]["rules"] == [
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch", "create"]}
    ]
    binding = kinds["RoleBinding"]
    assert binding["roleRef"]["name"] == kinds["Role"]["metadata"]["name"]
    assert binding["subjects"] == [
        {
            "kind": "ServiceAccount",
            "name": kinds["ServiceAccount"]["metadata"]["name"],
            "namespace": "local-user-authenticator",
        }
    ]


def test_deployment_runs_serve_with_the_image_on_8443() -> None:
    kinds = by_kind()
    pod = kinds["Deployment"]["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    assert container["image"] == IMAGE
    assert container["args"][0] == "serve"
    assert container["ports"][0]["containerPort"] == 8443
    assert pod["spec"]["serviceAccountName"] == kinds["ServiceAccount"]["metadata"]["name"]
    assert kinds["Deployment"]["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    assert container["securityContext"]["runAsNonRoot"] is True


def test_service_maps_443_to_the_container_port() -> None:
    kinds = by_kind()
    service = kinds["Service"]["spec"]
    assert service["ports"][0]["port"] == 443
    assert service["ports"][0]["targetPort"] == 8443
    pod_labels = kinds["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert service["selector"].items() <= pod_labels.items()


def test_other_namespace_is_used_everywhere() -> None:
    objects = {obj["kind"]: obj for obj in render(IMAGE, namespace="elsewhere")}
    assert objects.pop("Namespace")["metadata"]["name"] == "elsewhere"
    assert {obj["metadata"]["namespace"] for obj in objects.values()} == {"elsewhere"}
    assert objects["RoleBinding"]["subjects"][0]["namespace"] == "elsewhere"
    args = objects["Deployment"]["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[args.index("--namespace") + 1] == "elsewhere"


def test_as_list_is_a_v1_list() -> None:
    listing = as_list(render(IMAGE))
    assert (listing["apiVersion"], listing["kind"], len(listing["items"])) == ("v1", "List", 6)
