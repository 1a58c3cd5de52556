"""ClusterSigningIssuer: CA from files (reloaded on change) or a Secret; the issuer chain."""

from __future__ import annotations

import base64
import datetime
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from pinniped.certs.authority import CertificateAuthority, IssuedCertificate
from pinniped.issuers.base import IssuerChain, IssuerError
from pinniped.issuers.clustersigning import ClusterSigningIssuer, FileCASource, SecretCASource

TTL = datetime.timedelta(minutes=5)


def write_ca(directory: Path, ca: CertificateAuthority) -> tuple[Path, Path]:
    cert, key = directory / "ca.crt", directory / "ca.key"
    cert.write_bytes(ca.cert_pem)
    key.write_bytes(ca.key_pem)
    return cert, key


def issuer_of(issued: IssuedCertificate) -> x509.Name:
    return x509.load_pem_x509_certificate(issued.cert_pem).issuer


async def test_file_ca_signs_and_reloads_when_the_files_change(tmp_path: Path) -> None:
    first = CertificateAuthority.create("first")
    cert, key = write_ca(tmp_path, first)
    now = [0.0]
    issuer = ClusterSigningIssuer(FileCASource(cert, key, monotonic=lambda: now[0]))
    assert issuer_of(await issuer.issue("pinny", ["g"], TTL)) == first.cert.subject
    second = CertificateAuthority.create("second")
    write_ca(tmp_path, second)
    os.utime(cert, ns=(1, 1))  # a distinct mtime even on coarse filesystems
    now[0] = 0.5  # within the recheck interval: the files are not looked at
    assert issuer_of(await issuer.issue("pinny", ["g"], TTL)) == first.cert.subject
    now[0] = 1.5
    assert issuer_of(await issuer.issue("pinny", ["g"], TTL)) == second.cert.subject
    assert issuer.health().ready


async def test_missing_or_mismatched_files_are_issuer_errors(tmp_path: Path) -> None:
    issuer = ClusterSigningIssuer(FileCASource(tmp_path / "no.crt", tmp_path / "no.key"))
    with pytest.raises(IssuerError, match="cannot read"):
        await issuer.issue("pinny", [], TTL)
    cert, key = write_ca(tmp_path, CertificateAuthority.create("a"))
    cert.write_bytes(CertificateAuthority.create("b").cert_pem)
    issuer = ClusterSigningIssuer(FileCASource(cert, key))
    with pytest.raises(IssuerError, match="does not match"):
        await issuer.issue("pinny", [], TTL)
    assert not issuer.health().ready


async def test_secret_ca_follows_the_informer_store() -> None:
    ca = CertificateAuthority.create("secret CA")
    store: dict[str, Any] = {}
    source = SecretCASource(lambda: store.get("s"), "ns/s")
    issuer = ClusterSigningIssuer(source)
    with pytest.raises(IssuerError, match="not found"):
        await issuer.issue("pinny", [], TTL)
    store["s"] = {
        "metadata": {"resourceVersion": "7"},
        "data": {
            "tls.crt": base64.b64encode(ca.cert_pem).decode(),
            "tls.key": base64.b64encode(ca.key_pem).decode(),
        },
    }
    assert issuer_of(await issuer.issue("pinny", [], TTL)) == ca.cert.subject
    store["s"] = {"metadata": {"resourceVersion": "8"}, "data": {}}
    with pytest.raises(IssuerError, match="unusable"):
        await issuer.issue("pinny", [], TTL)


class Failing:
    async def issue(self, username: str, groups: Sequence[str], ttl: datetime.timedelta) -> IssuedCertificate:
        raise IssuerError("nope")


async def test_chain_uses_the_first_issuer_that_works() -> None:
    ca = CertificateAuthority.create("ca")

    class Working:
        async def issue(
            self, username: str, groups: Sequence[str], ttl: datetime.timedelta
        ) -> IssuedCertificate:
            return ca.issue_client_certificate(username, groups, ttl)

    issued = await IssuerChain([Failing(), Working()]).issue("pinny", [], TTL)
    assert issuer_of(issued) == ca.cert.subject


async def test_chain_reports_every_error_when_all_fail() -> None:
    with pytest.raises(IssuerError, match="Failing: nope; Failing: nope"):
        await IssuerChain([Failing(), Failing()]).issue("pinny", [], TTL)
