"""Provider selection, capability files and the PINNIPED_TEST_* contract, without a cluster."""

from __future__ import annotations

from pathlib import Path

import pytest

from pinniped.testing import env
from pinniped.testing.clusters import kind, provider
from pinniped.testing.clusters.base import ClusterStartError
from pinniped.testing.clusters.existing import read_capabilities


def test_an_unknown_provider_is_refused_with_the_choices() -> None:
    with pytest.raises(ClusterStartError, match="local, kind, existing"):
        provider.choose_provider("minikube")


def test_the_environment_variable_chooses_when_no_option_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(provider.ENVIRONMENT_VARIABLE, "existing")
    assert provider.choose_provider(None) == "existing"
    assert provider.choose_provider("local") == "local"


def test_without_docker_the_default_is_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(provider.ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.setattr(kind, "docker_available", lambda: False)
    assert provider.choose_provider(None) == "local"


def test_kind_without_its_binaries_fails_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("PINNIPED_KIND", raising=False)
    monkeypatch.delenv("PINNIPED_KUBECTL", raising=False)
    with pytest.raises(ClusterStartError, match="needs `kind` and `kubectl`"):
        kind.KindProviderCluster("x", tmp_path)


def test_the_existing_provider_needs_a_kubeconfig(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PINNIPED_TEST_KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBECONFIG", raising=False)
    with pytest.raises(ClusterStartError, match="PINNIPED_TEST_KUBECONFIG"):
        provider.start_cluster("existing", lambda _: None)


def test_capabilities_are_the_names_set_to_true(tmp_path: Path) -> None:
    path = tmp_path / "caps.yaml"
    path.write_text("clusterSigningKeyIsAvailable: true\nanonymousAuthenticationSupported: false\n")
    assert read_capabilities({"PINNIPED_TEST_CLUSTER_CAPABILITY_FILE": str(path)}) == {
        "clusterSigningKeyIsAvailable"
    }
    assert read_capabilities({"PINNIPED_TEST_CLUSTER_CAPABILITY_YAML": "{a: true, b: yes}"}) == {"a", "b"}
    assert read_capabilities({}) == frozenset()


def test_a_capability_file_that_is_not_a_mapping_is_an_error() -> None:
    with pytest.raises(ClusterStartError, match="mapping"):
        read_capabilities({"PINNIPED_TEST_CLUSTER_CAPABILITY_YAML": "- a\n- b\n"})


def _described() -> env.TestEnv:
    return env.TestEnv(
        concierge_namespace="pinniped-concierge",
        api_group_suffix="pinniped.dev",
        authenticator_type="webhook",
        authenticator_name="idp",
        webhook_endpoint="https://idp.example/authenticate",
        webhook_ca_bundle="Q0E=",
        user_username="pinny",
        user_groups=("seals", "walruses"),
        user_token="pinny:secret",
        concierge_log=Path("logs/concierge.log"),
    )


def test_the_contract_round_trips_through_the_environment() -> None:
    described = _described()
    environ = described.to_environ()
    assert env.provided(environ)
    assert environ["PINNIPED_TEST_USER_GROUPS"] == "seals,walruses"
    assert env.from_environ(environ) == described


def test_a_partial_contract_names_every_missing_variable() -> None:
    environ = _described().to_environ()
    del environ["PINNIPED_TEST_AUTHENTICATOR_NAME"]
    del environ["PINNIPED_TEST_WEBHOOK_ENDPOINT"]
    with pytest.raises(env.ContractError, match="AUTHENTICATOR_NAME, PINNIPED_TEST_WEBHOOK_ENDPOINT"):
        env.from_environ(environ)


def test_shell_exports_quote_values() -> None:
    exports = _described().shell_exports()
    assert "export PINNIPED_TEST_USER_TOKEN=pinny:secret\n" in exports
