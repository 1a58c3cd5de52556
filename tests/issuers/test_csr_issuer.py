"""CSRIssuer against a fake API that plays kube-controller-manager's signer."""

from __future__ import annotations

import base64
import datetime
from collections.abc import Mapping
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from pinniped.certs.authority import CertificateAuthority
from pinniped.issuers.base import IssuerError
from pinniped.issuers.csr import CSR_PATH, CSRIssuer


class FakeCSRApi:
    """Stores CSRs; signs approved ones on the next read unless told to deny or stall."""

    def __init__(self, behaviour: str = "sign") -> None:
        self.behaviour = behaviour
        self.ca = CertificateAuthority.create("cluster CA")
        self.objects: dict[str, dict[str, Any]] = {}
        self.created: list[dict[str, Any]] = []
        self.approvals: list[dict[str, Any]] = []
        self.deleted: list[str] = []

    async def create(
        self, path: str, body: dict[str, Any], params: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        assert path == CSR_PATH
        name = body["metadata"]["generateName"] + str(len(self.created))
        obj = {**body, "metadata": {"name": name, "resourceVersion": "1"}}
        self.created.append(body)
        self.objects[name] = obj
        return obj

    async def replace(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        assert path.endswith("/approval")
        self.approvals.append(body)
        return body

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        name = path.rsplit("/", 1)[1]
        obj = self.objects[name]
        if self.behaviour == "deny":
            obj["status"] = {"conditions": [{"type": "Denied", "status": "True", "message": "no"}]}
        elif self.behaviour == "sign":
            request = x509.load_pem_x509_csr(base64.b64decode(obj["spec"]["request"]))
            now = datetime.datetime.now(datetime.UTC)
            signed = (
                x509.CertificateBuilder()
                .subject_name(request.subject)
                .issuer_name(self.ca.cert.subject)
                .public_key(request.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(minutes=5))
                .not_valid_after(now + datetime.timedelta(seconds=obj["spec"]["expirationSeconds"]))
                .sign(self.ca._key, hashes.SHA256())
            )
            pem = signed.public_bytes(serialization.Encoding.PEM)
            obj["status"] = {"certificate": base64.b64encode(pem).decode()}
        return obj

    async def delete(self, path: str) -> dict[str, Any]:
        self.deleted.append(path.rsplit("/", 1)[1])
        return {}


async def test_csr_requests_a_client_cert_for_the_user_and_groups() -> None:
    api = FakeCSRApi()
    issued = await CSRIssuer(api).issue("pinny", ["seals", "admins"], datetime.timedelta(minutes=5))
    spec = api.created[0]["spec"]
    assert spec["signerName"] == "kubernetes.io/kube-apiserver-client"
    assert spec["expirationSeconds"] == 600
    assert spec["usages"] == ["client auth"]
    request = x509.load_pem_x509_csr(base64.b64decode(spec["request"]))
    assert request.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "pinny"
    orgs = [a.value for a in request.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    assert orgs == ["seals", "admins"]
    condition = api.approvals[0]["status"]["conditions"][0]
    assert (condition["type"], condition["status"], condition["reason"]) == (
        "Approved",
        "True",
        "PinnipedConciergeApproved",
    )
    cert = x509.load_pem_x509_certificate(issued.cert_pem)
    assert issued.not_after == cert.not_valid_after_utc
    assert issued.key_pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert api.deleted == ["pinniped-concierge-0"]


async def test_longer_ttls_are_requested_as_asked() -> None:
    api = FakeCSRApi()
    await CSRIssuer(api).issue("pinny", [], datetime.timedelta(hours=1))
    assert api.created[0]["spec"]["expirationSeconds"] == 3600


async def test_denied_csr_is_an_issuer_error_and_is_deleted() -> None:
    api = FakeCSRApi("deny")
    with pytest.raises(IssuerError, match="denied"):
        await CSRIssuer(api).issue("pinny", [], datetime.timedelta(minutes=5))
    assert api.deleted == ["pinniped-concierge-0"]


async def test_unsigned_csr_times_out_and_is_deleted() -> None:
    api = FakeCSRApi("stall")
    with pytest.raises(IssuerError, match="not signed within"):
        await CSRIssuer(api, timeout=0.2).issue("pinny", [], datetime.timedelta(minutes=5))
    assert api.deleted == ["pinniped-concierge-0"]
