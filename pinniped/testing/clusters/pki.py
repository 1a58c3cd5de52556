"""The certificates a local control plane needs, written as files kube-apiserver can read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from pinniped.certs.authority import CertificateAuthority, IssuedCertificate

TTL = datetime.timedelta(days=7)
API_SERVER_HOSTS = (
    "localhost",
    "127.0.0.1",
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "10.0.0.1",
)


@dataclass(frozen=True)
class LocalPKI:
    directory: Path

    def path(self, name: str) -> Path:
        return self.directory / name

    @property
    def serving_ca(self) -> Path:
        return self.path("serving-ca.crt")

    @property
    def client_ca(self) -> Path:
        return self.path("client-ca.crt")

    @property
    def client_ca_key(self) -> Path:
        return self.path("client-ca.key")

    @property
    def front_proxy_ca(self) -> Path:
        return self.path("front-proxy-ca.crt")


def _write_pair(directory: Path, stem: str, issued: IssuedCertificate) -> None:
    (directory / f"{stem}.crt").write_bytes(issued.cert_pem)
    key = directory / f"{stem}.key"
    key.write_bytes(issued.key_pem)
    key.chmod(0o600)


def _write_ca(directory: Path, stem: str, ca: CertificateAuthority) -> None:
    (directory / f"{stem}.crt").write_bytes(ca.cert_pem)
    key = directory / f"{stem}.key"
    key.write_bytes(ca.key_pem)
    key.chmod(0o600)


def generate(directory: Path) -> LocalPKI:
    """Serving CA + cert, client CA (+ admin and controller-manager certs), front proxy, SA keys."""
    directory.mkdir(parents=True, exist_ok=True)
    serving_ca = CertificateAuthority.create("pinniped-local serving CA", TTL)
    client_ca = CertificateAuthority.create("pinniped-local client CA", TTL)
    front_proxy_ca = CertificateAuthority.create("pinniped-local front-proxy CA", TTL)
    for stem, ca in (
        ("serving-ca", serving_ca),
        ("client-ca", client_ca),
        ("front-proxy-ca", front_proxy_ca),
    ):
        _write_ca(directory, stem, ca)

    _write_pair(directory, "apiserver", serving_ca.issue_serving_certificate(API_SERVER_HOSTS, TTL))
    _write_pair(directory, "admin", client_ca.issue_client_certificate("admin", ["system:masters"], TTL))
    _write_pair(
        directory,
        "controller-manager",
        # system:masters: the controllers here (CSR signing, role aggregation) act cluster-wide.
        client_ca.issue_client_certificate("system:kube-controller-manager", ["system:masters"], TTL),
    )
    _write_pair(
        directory,
        "front-proxy-client",
        front_proxy_ca.issue_client_certificate("front-proxy-client", [], TTL),
    )

    sa_key = ec.generate_private_key(ec.SECP256R1())
    (directory / "sa.key").write_bytes(
        sa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (directory / "sa.key").chmod(0o600)
    (directory / "sa.pub").write_bytes(
        sa_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return LocalPKI(directory)
