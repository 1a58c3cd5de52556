"""Serving-certificate bootstrap against a fake API, and the TLS the server speaks."""

from __future__ import annotations

import asyncio
import base64
import ssl

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from pinniped.certs.serving_secret import ServingMaterial
from pinniped.kube.errors import ApiError
from pinniped.localuser.config import TLSVersion
from pinniped.localuser.tls import (
    CA_COMMON_NAME,
    TLSBootstrapError,
    ensure_serving_secret,
    new_serving_material,
    server_ssl_context,
)

from .fakes import FakeKube

NS = "local-user-authenticator"
SECRET_PATH = f"/api/v1/namespaces/{NS}/secrets/local-user-authenticator-tls-serving-certificate"
SVC = "local-user-authenticator.local-user-authenticator.svc"


def sans(material: ServingMaterial) -> list[str]:
    cert = x509.load_pem_x509_certificate(material.chain_pem)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return [str(v) for v in names.get_values_for_type(x509.DNSName)] + [
        str(v) for v in names.get_values_for_type(x509.IPAddress)
    ]


async def test_absent_secret_is_created_with_ca_and_serving_certificate() -> None:
    kube = FakeKube()
    material = await ensure_serving_secret(kube, NS, ["localhost", "127.0.0.1"])

    data = kube.objects[SECRET_PATH]["data"]
    assert set(data) == {"caCertificate", "tlsPrivateKey", "tlsCertificateChain"}
    assert base64.b64decode(data["caCertificate"]) == material.ca_pem
    assert base64.b64decode(data["tlsCertificateChain"]) == material.chain_pem
    ca = x509.load_pem_x509_certificate(material.ca_pem)
    assert ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == CA_COMMON_NAME
    assert sans(material) == [SVC, f"{SVC}.cluster.local", "localhost", "127.0.0.1"]


async def test_existing_secret_is_reused() -> None:
    kube = FakeKube()
    first = await ensure_serving_secret(kube, NS)
    second = await ensure_serving_secret(kube, NS, ["localhost"])
    assert second == first
    assert [verb for verb, _ in kube.calls] == ["get", "create", "get"]


async def test_lost_create_race_uses_the_winners_secret() -> None:
    kube = FakeKube()
    winner_kube = FakeKube()
    winner = await ensure_serving_secret(winner_kube, NS)
    kube.created_by_someone_else = winner_kube.objects[SECRET_PATH]

    material = await ensure_serving_secret(kube, NS)

    assert material == winner
    assert [verb for verb, _ in kube.calls] == ["get", "create", "get"]


async def test_secret_missing_a_key_is_an_error() -> None:
    kube = FakeKube()
    kube.objects[SECRET_PATH] = {"data": {"caCertificate": "", "tlsPrivateKey": ""}}
    with pytest.raises(TLSBootstrapError, match="tlsCertificateChain"):
        await ensure_serving_secret(kube, NS)


async def test_api_errors_propagate() -> None:
    kube = FakeKube()
    kube.fail_with = ApiError(403, "Forbidden", "no")
    with pytest.raises(ApiError):
        await ensure_serving_secret(kube, NS)


@pytest.fixture(scope="module")
def material() -> ServingMaterial:
    return new_serving_material([SVC, "127.0.0.1"])


async def handshake(
    material: ServingMaterial,
    min_version: TLSVersion,
    client_max: ssl.TLSVersion = ssl.TLSVersion.MAXIMUM_SUPPORTED,
    server_hostname: str = SVC,
) -> str | None:
    server_context = server_ssl_context(material, min_version)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=server_context)
    port = server.sockets[0].getsockname()[1]
    client_context = ssl.create_default_context(cadata=material.ca_pem.decode())
    client_context.maximum_version = client_max
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, ssl=client_context, server_hostname=server_hostname),
            5,
        )
    finally:
        server.close()
    version = writer.get_extra_info("ssl_object").version()
    writer.close()
    await server.wait_closed()
    return str(version)


async def test_ca_verifies_the_server_by_service_name(material: ServingMaterial) -> None:
    assert await handshake(material, "1.3") == "TLSv1.3"


async def test_ca_does_not_verify_an_unlisted_name(material: ServingMaterial) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        await handshake(material, "1.3", server_hostname="elsewhere.example")


async def test_tls_12_clients_are_refused_by_default(material: ServingMaterial) -> None:
    with pytest.raises((ssl.SSLError, ConnectionResetError)):
        await handshake(material, "1.3", client_max=ssl.TLSVersion.TLSv1_2)


async def test_tls_12_is_allowed_when_configured(material: ServingMaterial) -> None:
    assert await handshake(material, "1.2", client_max=ssl.TLSVersion.TLSv1_2) == "TLSv1.2"


def test_unloadable_key_is_an_error(material: ServingMaterial) -> None:
    broken = ServingMaterial(material.ca_pem, b"not a key", material.chain_pem)
    with pytest.raises(TLSBootstrapError):
        server_ssl_context(broken)
