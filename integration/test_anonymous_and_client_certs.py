"""Who kube-apiserver thinks a caller is: anonymous, a client-CA certificate, a CSR-issued one."""

from __future__ import annotations

import base64
import datetime
import json
import ssl
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from pinniped.certs.authority import CertificateAuthority, new_private_key, private_key_pem
from pinniped.testing.clusters.base import Cluster
from pinniped.testing.kubeconfig import write_kubeconfig
from pinniped.testing.requests import kubectl_as
from pinniped.testing.waiting import eventually


def _anonymous_get(cluster: Cluster, path: str) -> int:
    context = ssl.create_default_context(cadata=cluster.ca_pem.decode())
    try:
        with urllib.request.urlopen(cluster.server + path, context=context, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.capability("anonymousAuthenticationSupported")
def test_anonymous_may_read_version_but_not_list_namespaces(cluster: Cluster) -> None:
    assert _anonymous_get(cluster, "/version") == 200
    assert _anonymous_get(cluster, "/api/v1/namespaces") == 403


@pytest.mark.capability("clusterSigningKeyIsAvailable")
def test_client_ca_certificate_authenticates_as_cn_and_o_and_group_rbac_applies(
    cluster: Cluster, tmp_path: Path
) -> None:
    pair = cluster.signing_key_pair()
    assert pair is not None
    ca = CertificateAuthority.load(pair.cert_pem, pair.key_pem)
    suffix = uuid.uuid4().hex[:8]
    user, group = f"smoke-user-{suffix}", f"smoke-group-{suffix}"
    issued = ca.issue_client_certificate(user, [group, "other-group"], datetime.timedelta(minutes=5))
    kubeconfig = write_kubeconfig(
        tmp_path / "user.kubeconfig",
        cluster.server,
        cluster.ca_pem,
        cert_pem=issued.cert_pem,
        key_pem=issued.key_pem,
    )

    whoami = json.loads(kubectl_as(cluster, kubeconfig, "auth", "whoami", "-o", "json").stdout)
    assert whoami["status"]["userInfo"]["username"] == user
    assert {group, "other-group"} <= set(whoami["status"]["userInfo"]["groups"])

    assert kubectl_as(cluster, kubeconfig, "get", "namespaces").returncode != 0
    binding = f"smoke-view-{suffix}"
    cluster.kubectl("create", "clusterrolebinding", binding, "--clusterrole=view", f"--group={group}")
    try:
        assert eventually(lambda: kubectl_as(cluster, kubeconfig, "get", "namespaces").returncode == 0)
    finally:
        cluster.kubectl("delete", "clusterrolebinding", binding, check=False)


def _csr_pem(user: str, groups: list[str]) -> tuple[bytes, bytes]:
    key = new_private_key()
    names = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, g) for g in groups]
    names.append(x509.NameAttribute(NameOID.COMMON_NAME, user))
    csr = x509.CertificateSigningRequestBuilder().subject_name(x509.Name(names)).sign(key, hashes.SHA256())
    from cryptography.hazmat.primitives import serialization

    return csr.public_bytes(serialization.Encoding.PEM), private_key_pem(key)


@pytest.mark.capability("csrSigningAvailable")
def test_an_approved_kube_apiserver_client_csr_is_signed_and_authenticates(
    cluster: Cluster, tmp_path: Path
) -> None:
    name = f"smoke-csr-{uuid.uuid4().hex[:8]}"
    user = f"csr-user-{uuid.uuid4().hex[:6]}"
    csr_pem, key_pem = _csr_pem(user, ["csr-group"])
    csr = {
        "apiVersion": "certificates.k8s.io/v1",
        "kind": "CertificateSigningRequest",
        "metadata": {"name": name},
        "spec": {
            "request": base64.b64encode(csr_pem).decode(),
            "signerName": "kubernetes.io/kube-apiserver-client",
            "expirationSeconds": 600,
            "usages": ["client auth"],
        },
    }
    cluster.kubectl("create", "-f", "-", input=json.dumps(csr))
    try:
        cluster.kubectl("certificate", "approve", name)
        cluster.kubectl("wait", f"csr/{name}", "--for=jsonpath={.status.certificate}", "--timeout=30s")
        cert_b64 = cluster.kubectl("get", "csr", name, "-o", "jsonpath={.status.certificate}").stdout
        cert_pem = base64.b64decode(cert_b64)
        cert = x509.load_pem_x509_certificate(cert_pem)
        lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
        assert lifetime <= datetime.timedelta(seconds=600 + 300)
        kubeconfig = write_kubeconfig(
            tmp_path / "csr.kubeconfig",
            cluster.server,
            cluster.ca_pem,
            cert_pem=cert_pem,
            key_pem=key_pem,
        )
        whoami = json.loads(kubectl_as(cluster, kubeconfig, "auth", "whoami", "-o", "json").stdout)
        assert whoami["status"]["userInfo"]["username"] == user
        assert "csr-group" in whoami["status"]["userInfo"]["groups"]
    finally:
        cluster.kubectl("delete", "csr", name, check=False)
