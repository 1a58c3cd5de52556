"""A certificate authority that issues client and serving certificates.

Keys are ECDSA P-256; private keys leave as PKCS#8 PEM. Time comes from an injected clock so
tests can pin it. NotBefore is backdated five minutes, as kube-controller-manager's signer does,
so slightly skewed clocks still accept a fresh certificate.
"""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

Clock = Callable[[], datetime.datetime]

BACKDATE: Final = datetime.timedelta(minutes=5)


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@dataclass(frozen=True)
class IssuedCertificate:
    """A certificate and its private key, both PEM."""

    cert_pem: bytes
    key_pem: bytes
    not_before: datetime.datetime
    not_after: datetime.datetime


def new_private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def private_key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _name(common_name: str | None, organizations: Iterable[str] = ()) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, org) for org in organizations]
    if common_name:
        attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _subject_alternative_names(hosts: Sequence[str]) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


class CertificateAuthority:
    """Holds a CA certificate and key; issues leaf certificates signed by it."""

    def __init__(
        self,
        cert: x509.Certificate,
        key: CertificateIssuerPrivateKeyTypes,
        clock: Clock = utc_now,
    ) -> None:
        self.cert = cert
        self._key = key
        self._clock = clock

    @classmethod
    def create(
        cls,
        common_name: str,
        ttl: datetime.timedelta = datetime.timedelta(days=365),
        clock: Clock = utc_now,
    ) -> CertificateAuthority:
        key = new_private_key()
        now = clock()
        name = _name(common_name)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE)
            .not_valid_after(now + ttl)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256())
        )
        return cls(cert, key, clock)

    @classmethod
    def load(cls, cert_pem: bytes, key_pem: bytes, clock: Clock = utc_now) -> CertificateAuthority:
        """Load a CA (ECDSA or RSA, as kube-controller-manager's may be); ValueError if unusable."""
        try:
            cert = x509.load_pem_x509_certificate(cert_pem)
        except ValueError as error:
            raise ValueError("the CA certificate is not a PEM certificate") from error
        try:
            key = serialization.load_pem_private_key(key_pem, password=None)
        except (ValueError, TypeError) as error:
            raise ValueError("the CA private key is not an unencrypted PEM key") from error
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise ValueError("the CA private key must be ECDSA or RSA")
        if _public_der(key.public_key()) != _public_der(cert.public_key()):
            raise ValueError("the private key does not match the CA certificate")
        return cls(cert, key, clock)

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def issue_client_certificate(
        self, username: str, groups: Sequence[str], ttl: datetime.timedelta
    ) -> IssuedCertificate:
        """A client certificate: CN = username, one O per group, EKU clientAuth, no SANs."""
        return self._issue(_name(username, groups), ttl, [ExtendedKeyUsageOID.CLIENT_AUTH], sans=())

    def issue_serving_certificate(
        self, hosts: Sequence[str], ttl: datetime.timedelta, common_name: str | None = None
    ) -> IssuedCertificate:
        """A serving certificate for DNS names and IP addresses; EKU serverAuth."""
        return self._issue(_name(common_name), ttl, [ExtendedKeyUsageOID.SERVER_AUTH], sans=hosts)

    def _issue(
        self,
        subject: x509.Name,
        ttl: datetime.timedelta,
        usages: list[x509.ObjectIdentifier],
        sans: Sequence[str],
    ) -> IssuedCertificate:
        key = new_private_key()
        now = self._clock()
        not_before = (now - BACKDATE).replace(microsecond=0)
        not_after = (now + ttl).replace(microsecond=0)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        )
        if sans:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(_subject_alternative_names(sans)), critical=False
            )
        cert = builder.sign(self._key, hashes.SHA256())
        return IssuedCertificate(
            cert_pem=cert.public_bytes(serialization.Encoding.PEM),
            key_pem=private_key_pem(key),
            not_before=not_before,
            not_after=not_after,
        )


def _public_der(public_key: object) -> bytes:
    return public_key.public_bytes(  # type: ignore[attr-defined,no-any-return]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
