"""The certificate authority issues the profile kube-apiserver and Pinniped expect."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from pinniped.certs.authority import CertificateAuthority

NOW = datetime.datetime(2026, 12, 4, 12, 0, 0, tzinfo=datetime.UTC)


def _clock() -> datetime.datetime:
    return NOW


def test_client_certificate_has_cn_user_o_groups_client_auth_and_backdated_start() -> None:
    ca = CertificateAuthority.create("test CA", clock=_clock)
    issued = ca.issue_client_certificate("pinny", ["seals", "walruses"], datetime.timedelta(minutes=5))
    cert = x509.load_pem_x509_certificate(issued.cert_pem)

    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "pinny"
    assert [a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)] == [
        "seals",
        "walruses",
    ]
    assert cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value == x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.CLIENT_AUTH]
    )
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert cert.not_valid_before_utc == NOW - datetime.timedelta(minutes=5)
    assert cert.not_valid_after_utc == NOW + datetime.timedelta(minutes=5)
    assert issued.not_after == cert.not_valid_after_utc
    with pytest.raises(x509.ExtensionNotFound):
        cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    cert.verify_directly_issued_by(ca.cert)


def test_issued_key_is_a_fresh_pkcs8_p256_key() -> None:
    ca = CertificateAuthority.create("test CA")
    first = ca.issue_client_certificate("a", [], datetime.timedelta(minutes=5))
    second = ca.issue_client_certificate("a", [], datetime.timedelta(minutes=5))
    assert first.key_pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    key = serialization.load_pem_private_key(first.key_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.curve.name == "secp256r1"
    assert first.key_pem != second.key_pem


def test_serving_certificate_names_dns_and_ip_hosts() -> None:
    ca = CertificateAuthority.create("test CA")
    issued = ca.issue_serving_certificate(["svc.ns.svc", "127.0.0.1"], datetime.timedelta(hours=1))
    cert = x509.load_pem_x509_certificate(issued.cert_pem)
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["svc.ns.svc"]
    assert [str(ip) for ip in sans.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]


def test_load_round_trips_and_rejects_a_mismatched_key() -> None:
    ca = CertificateAuthority.create("test CA")
    other = CertificateAuthority.create("other CA")
    assert CertificateAuthority.load(ca.cert_pem, ca.key_pem).cert == ca.cert
    with pytest.raises(ValueError, match="does not match"):
        CertificateAuthority.load(ca.cert_pem, other.key_pem)


def test_an_rsa_cluster_ca_can_sign_ecdsa_leaves() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kubernetes")])
    from cryptography.hazmat.primitives import hashes

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    ca = CertificateAuthority.load(cert.public_bytes(serialization.Encoding.PEM), key_pem, clock=_clock)
    issued = ca.issue_client_certificate("u", ["g"], datetime.timedelta(minutes=5))
    x509.load_pem_x509_certificate(issued.cert_pem).verify_directly_issued_by(cert)


def test_garbage_pem_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="certificate"):
        CertificateAuthority.load(b"not a cert", b"not a key")
