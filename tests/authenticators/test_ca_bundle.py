from __future__ import annotations

import base64

import pytest
import trustme

from pinniped.authenticators.retry import Backoff
from pinniped.authenticators.tls import InvalidCABundleError, decode_ca_bundle


def test_empty_ca_data_means_system_roots() -> None:
    assert decode_ca_bundle("") is None


def test_base64_pem_bundle_is_decoded() -> None:
    pem = trustme.CA().cert_pem.bytes() + trustme.CA().cert_pem.bytes()
    assert decode_ca_bundle(base64.b64encode(pem).decode()) == pem


def test_bad_base64_names_the_offending_byte() -> None:
    with pytest.raises(InvalidCABundleError) as raised:
        decode_ca_bundle("invalid base64-encoded data")
    assert str(raised.value) == (
        "spec.tls.certificateAuthorityData is invalid: illegal base64 data at input byte 7"
    )


def test_base64_that_is_not_pem_is_rejected() -> None:
    data = base64.b64encode(b"hello, not a certificate").decode()
    with pytest.raises(InvalidCABundleError) as raised:
        decode_ca_bundle(data)
    assert str(raised.value) == (
        "spec.tls.certificateAuthorityData is invalid: no base64-encoded PEM certificates found in "
        f"{len(data)} bytes of data "
        '(PEM certificates must begin with "-----BEGIN CERTIFICATE-----")'
    )


def test_backoff_grows_by_half_with_bounded_jitter() -> None:
    assert list(Backoff().delays(lambda: 0.0)) == [0.5, 0.75, 1.125, 1.6875]
    assert next(Backoff().delays(lambda: 1.0)) == pytest.approx(0.6)
    assert list(Backoff(steps=1).delays()) == []
