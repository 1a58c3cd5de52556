"""FrontProxyVerifier on its own: the per-request re-check that outlives a TLS handshake."""

from __future__ import annotations

import datetime

from multidict import CIMultiDict, CIMultiDictProxy

from pinniped.certs.authority import CertificateAuthority
from pinniped.concierge.frontproxy import ANONYMOUS, FrontProxyVerifier
from pinniped.concierge.requestheader import RequestHeaderConfig, parse_configmap

HEADERS = CIMultiDictProxy(CIMultiDict({"X-Remote-User": "pinny", "X-Remote-Group": "seals"}))


class PeerCert:
    """Stands in for ssl.SSLObject: only getpeercert(binary_form=True) is used."""

    def __init__(self, der: bytes) -> None:
        self.der = der

    def getpeercert(self, binary_form: bool = False) -> bytes:
        return self.der


def config_for(ca: CertificateAuthority) -> RequestHeaderConfig:
    config = parse_configmap(
        {
            "requestheader-client-ca-file": ca.cert_pem.decode(),
            "requestheader-allowed-names": '["front-proxy-client"]',
            "requestheader-username-headers": '["X-Remote-User"]',
            "requestheader-group-headers": '["X-Remote-Group"]',
            "requestheader-extra-headers-prefix": '["X-Remote-Extra-"]',
        }
    )
    assert config is not None
    return config


def der_for(ca: CertificateAuthority, cn: str = "front-proxy-client") -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    issued = ca.issue_client_certificate(cn, [], datetime.timedelta(hours=1))
    return x509.load_pem_x509_certificate(issued.cert_pem).public_bytes(serialization.Encoding.DER)


def test_a_connection_verified_against_an_old_ca_is_anonymous_after_rotation() -> None:
    old, new = CertificateAuthority.create("old"), CertificateAuthority.create("new")
    current = {"config": config_for(old)}
    verifier = FrontProxyVerifier(lambda: current["config"])
    peer = PeerCert(der_for(old))
    assert verifier.caller(peer, HEADERS).username == "pinny"  # type: ignore[arg-type]
    current["config"] = config_for(new)
    assert verifier.caller(peer, HEADERS) == ANONYMOUS  # type: ignore[arg-type]


def test_an_expired_front_proxy_cert_is_anonymous() -> None:
    ca = CertificateAuthority.create("ca")
    config = config_for(ca)
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=2)
    verifier = FrontProxyVerifier(lambda: config, clock=lambda: later)
    assert verifier.caller(PeerCert(der_for(ca)), HEADERS) == ANONYMOUS  # type: ignore[arg-type]


def test_no_username_header_means_anonymous_even_with_a_good_cert() -> None:
    ca = CertificateAuthority.create("ca")
    config = config_for(ca)
    verifier = FrontProxyVerifier(lambda: config)
    empty = CIMultiDictProxy(CIMultiDict({"X-Remote-Group": "system:masters"}))
    assert verifier.caller(PeerCert(der_for(ca)), empty) == ANONYMOUS  # type: ignore[arg-type]
