"""The Concierge under test, through kube-apiserver only, described by the test contract (`pinniped_env`).

These tests assume nothing about the implementation beyond upstream Pinniped's API, so they run against
ours (installed by the harness) or any other one described by PINNIPED_TEST_* variables.
"""

from __future__ import annotations

import base64
import datetime
import json
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from pinniped.api.groups import ConciergeGroups
from pinniped.testing.clusters.base import Cluster
from pinniped.testing.env import TestEnv
from pinniped.testing.kubeconfig import write_credential_kubeconfig
from pinniped.testing.requests import (
    anonymous_post,
    kubectl_as,
    token_credential_request,
    token_credential_requests_path,
)
from pinniped.testing.waiting import eventually

pytestmark = pytest.mark.capability("anonymousAuthenticationSupported")


def _exchange(
    cluster: Cluster, env: TestEnv, token: str, authenticator: str | None = None
) -> tuple[int, Any]:
    body = token_credential_request(
        token, authenticator or env.authenticator_name, env.authenticator_type, env.api_group_suffix
    )
    return anonymous_post(
        cluster.server, cluster.ca_pem, token_credential_requests_path(env.api_group_suffix), body
    )


def test_discovery_lists_the_cluster_scoped_exchange_and_whoami_resources(
    cluster: Cluster, pinniped_env: TestEnv
) -> None:
    groups = ConciergeGroups(pinniped_env.api_group_suffix)
    for group, resource, kind in (
        (groups.login, "tokencredentialrequests", "TokenCredentialRequest"),
        (groups.identity, "whoamirequests", "WhoAmIRequest"),
    ):
        listing = json.loads(cluster.kubectl("get", "--raw", f"/apis/{group}/v1alpha1").stdout)
        assert listing["groupVersion"] == f"{group}/v1alpha1"
        (entry,) = [r for r in listing["resources"] if r["name"] == resource]
        assert entry["kind"] == kind
        assert entry["namespaced"] is False
        assert "create" in entry["verbs"]


def test_a_valid_token_gets_a_short_lived_certificate_for_the_user(
    cluster: Cluster, pinniped_env: TestEnv, tmp_path: Path
) -> None:
    status, body = _exchange(cluster, pinniped_env, pinniped_env.user_token)
    assert status == 201, body
    assert "message" not in body["status"]
    credential = body["status"]["credential"]
    assert not credential.get("token")

    cert = x509.load_pem_x509_certificate(credential["clientCertificateData"].encode())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == pinniped_env.user_username
    organizations = {a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)}
    assert organizations == set(pinniped_env.user_groups)
    key = serialization.load_pem_private_key(credential["clientKeyData"].encode(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert credential["clientKeyData"].startswith("-----BEGIN PRIVATE KEY-----")

    expires = datetime.datetime.fromisoformat(credential["expirationTimestamp"].replace("Z", "+00:00"))
    assert expires == cert.not_valid_after_utc
    remaining = expires - datetime.datetime.now(datetime.UTC)
    assert datetime.timedelta(minutes=4) <= remaining <= datetime.timedelta(minutes=6)

    kubeconfig = write_credential_kubeconfig(
        tmp_path / "user.kubeconfig", cluster.server, cluster.ca_pem, credential
    )
    whoami = json.loads(kubectl_as(cluster, kubeconfig, "auth", "whoami", "-o", "json").stdout)
    assert whoami["status"]["userInfo"]["username"] == pinniped_env.user_username
    assert set(pinniped_env.user_groups) <= set(whoami["status"]["userInfo"]["groups"])


@pytest.mark.parametrize("case", ["wrong password", "unknown authenticator", "token without colon"])
def test_authentication_failures_are_201_with_only_the_message(
    cluster: Cluster, pinniped_env: TestEnv, case: str
) -> None:
    username = pinniped_env.user_token.split(":", 1)[0]
    token, authenticator = {
        "wrong password": (f"{username}:not-the-password", None),
        "unknown authenticator": (pinniped_env.user_token, "no-such-authenticator"),
        "token without colon": ("not a good token", None),
    }[case]
    status, body = _exchange(cluster, pinniped_env, token, authenticator)
    assert status == 201, body
    assert body["status"] == {"message": "authentication failed"}
    assert token not in json.dumps(body)


def test_an_empty_token_is_422_with_exactly_one_cause(cluster: Cluster, pinniped_env: TestEnv) -> None:
    status, body = _exchange(cluster, pinniped_env, "")
    assert status == 422, body
    assert body["kind"] == "Status"
    assert body["reason"] == "Invalid"
    assert body["details"]["causes"] == [
        {
            "reason": "FieldValueRequired",
            "message": "Required value: token must be supplied",
            "field": "spec.token.value",
        }
    ]


def test_whoami_tells_an_anonymous_caller_who_it_is(cluster: Cluster, pinniped_env: TestEnv) -> None:
    group = ConciergeGroups(pinniped_env.api_group_suffix).identity
    status, body = anonymous_post(
        cluster.server,
        cluster.ca_pem,
        f"/apis/{group}/v1alpha1/whoamirequests",
        {"apiVersion": f"{group}/v1alpha1", "kind": "WhoAmIRequest", "spec": {}},
    )
    assert status == 201, body
    user = body["status"]["kubernetesUserInfo"]["user"]
    assert user["username"] == "system:anonymous"
    assert "system:unauthenticated" in user["groups"]


def test_the_credential_issuer_advertises_the_token_credential_request_frontend(
    cluster: Cluster, pinniped_env: TestEnv
) -> None:
    def issuers() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = json.loads(
            cluster.kubectl("get", "credentialissuers", "-o", "json").stdout
        )["items"]
        return found

    # Controllers write it asynchronously; give them the time upstream's tests give (10 s and more).
    assert eventually(lambda: any(i.get("status", {}).get("strategies") for i in issuers()), timeout=30)
    (issuer,) = issuers()
    strategies = issuer["status"]["strategies"]
    frontends = [s["frontend"] for s in strategies if s.get("status") == "Success" and "frontend" in s]
    assert frontends, strategies
    info = frontends[0]["tokenCredentialRequestInfo"]
    assert info["server"].startswith("https://")
    assert base64.b64decode(info["certificateAuthorityData"]).startswith(b"-----BEGIN CERTIFICATE-----")


def _serving_secret(cluster: Cluster, env: TestEnv) -> dict[str, Any] | None:
    secrets = json.loads(
        cluster.kubectl("get", "secrets", "-n", env.concierge_namespace, "-o", "json").stdout
    )
    for secret in secrets["items"]:
        if secret["metadata"]["name"].endswith("-api-tls-serving-certificate"):
            result: dict[str, Any] = secret
            return result
    return None


def _apiservice_ca(cluster: Cluster, env: TestEnv) -> str:
    name = f"v1alpha1.{ConciergeGroups(env.api_group_suffix).login}"
    return cluster.kubectl("get", "apiservice", name, "-o", "jsonpath={.spec.caBundle}").stdout


def test_deleting_the_serving_secret_rotates_the_ca_into_the_apiservice_without_a_restart(
    cluster: Cluster, pinniped_env: TestEnv
) -> None:
    secret = _serving_secret(cluster, pinniped_env)
    assert secret is not None, "no <app>-api-tls-serving-certificate Secret in the Concierge namespace"
    assert {"caCertificate", "tlsPrivateKey", "tlsCertificateChain"} <= set(secret["data"])
    old_ca = secret["data"]["caCertificate"]
    assert _apiservice_ca(cluster, pinniped_env) == old_ca

    cluster.kubectl("delete", "secret", secret["metadata"]["name"], "-n", pinniped_env.concierge_namespace)

    def rotated() -> bool:
        fresh = _serving_secret(cluster, pinniped_env)
        return fresh is not None and fresh["data"]["caCertificate"] != old_ca

    assert eventually(rotated, timeout=30)
    new_secret = _serving_secret(cluster, pinniped_env)
    assert new_secret is not None
    assert eventually(
        lambda: _apiservice_ca(cluster, pinniped_env) == new_secret["data"]["caCertificate"], timeout=30
    )

    deadline = time.monotonic() + 120
    while True:
        status, body = _exchange(cluster, pinniped_env, pinniped_env.user_token)
        if status == 201 and "credential" in body.get("status", {}):
            break
        assert time.monotonic() < deadline, (status, body)
        time.sleep(0.5)
