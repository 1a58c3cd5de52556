"""PEM into an SSLContext without files on disk; the serving Secret's format both ways."""

from __future__ import annotations

import datetime
import os
import ssl

import pytest

from pinniped.certs import pem_files, serving_secret
from pinniped.certs.authority import CertificateAuthority


def _pair() -> tuple[bytes, bytes]:
    issued = CertificateAuthority.create("t").issue_serving_certificate(
        ["localhost"], datetime.timedelta(hours=1)
    )
    return issued.cert_pem, issued.key_pem


def test_a_pem_pair_loads_from_memory() -> None:
    cert, key = _pair()
    pem_files.load_cert_chain_pem(ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER), cert, key)


def test_without_memfd_a_private_temporary_directory_is_used_and_removed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(os, "memfd_create", raising=False)
    seen: list[str] = []
    original = ssl.SSLContext.load_cert_chain

    def spy(self: ssl.SSLContext, certfile: str, keyfile: str | None = None, password: None = None) -> None:
        seen.append(str(keyfile))
        assert keyfile is not None
        assert os.stat(keyfile).st_mode & 0o777 == 0o600
        original(self, certfile, keyfile)

    monkeypatch.setattr(ssl.SSLContext, "load_cert_chain", spy)
    cert, key = _pair()
    pem_files.load_cert_chain_pem(ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER), cert, key)
    assert seen
    assert not os.path.exists(seen[0])


def test_a_mismatched_pair_is_an_ssl_error() -> None:
    cert, _ = _pair()
    _, other_key = _pair()
    with pytest.raises(ssl.SSLError):
        pem_files.load_cert_chain_pem(ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER), cert, other_key)


def test_serving_material_round_trips_through_secret_data() -> None:
    material = serving_secret.new_serving_material("x CA", ["svc.ns.svc"], datetime.timedelta(days=1))
    data = serving_secret.secret_data(material)
    assert set(data) == {"caCertificate", "tlsPrivateKey", "tlsCertificateChain"}
    assert serving_secret.material_from_data(data) == material


@pytest.mark.parametrize(
    "data", [None, {}, {"caCertificate": "!!", "tlsPrivateKey": "", "tlsCertificateChain": ""}]
)
def test_incomplete_secret_data_names_the_keys(data: dict[str, str] | None) -> None:
    with pytest.raises(ValueError, match="caCertificate, tlsPrivateKey or tlsCertificateChain"):
        serving_secret.material_from_data(data)
