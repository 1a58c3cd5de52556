from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import trustme

from pinniped.client import (
    Authenticator,
    ConciergeClient,
    ConciergeRequestFailed,
    InvalidConciergeParameters,
    LoginFailed,
)
from tests.client.fake_https import FakeServer, serve

TOKEN = "pinny:secret-password"
TCR_PATH = "/apis/login.concierge.pinniped.dev/v1alpha1/tokencredentialrequests"
WEBHOOK = Authenticator("webhook", "local-user-authenticator")
CREDENTIAL = {
    "expirationTimestamp": "2030-01-02T03:04:05Z",
    "clientCertificateData": "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n",
    "clientKeyData": "-----BEGIN PRIVATE KEY-----\nxyz\n-----END PRIVATE KEY-----\n",
}


def tcr_response(status: dict[str, object]) -> dict[str, object]:
    return {
        "kind": "TokenCredentialRequest",
        "apiVersion": "login.concierge.pinniped.dev/v1alpha1",
        "metadata": {"creationTimestamp": None},
        "spec": {"authenticator": {"apiGroup": None, "kind": "", "name": ""}},
        "status": status,
    }


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def concierge(ca: trustme.CA) -> Iterator[FakeServer]:
    with serve(ca) as server:
        yield server


def client_for(server: FakeServer, **kwargs: object) -> ConciergeClient:
    return ConciergeClient(server.url, server.ca_pem, WEBHOOK, timeout=5, **kwargs)  # type: ignore[arg-type]


def test_successful_exchange_returns_the_credential(concierge: FakeServer) -> None:
    concierge.routes["POST", TCR_PATH] = (201, tcr_response({"credential": CREDENTIAL}))

    credential = client_for(concierge).exchange_token(TOKEN)

    assert credential.expiration_timestamp == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert credential.client_certificate_data == CREDENTIAL["clientCertificateData"]
    assert credential.client_key_data == CREDENTIAL["clientKeyData"]
    assert credential.token is None
    assert TOKEN not in repr(credential)


def test_request_is_an_anonymous_token_credential_request(concierge: FakeServer) -> None:
    concierge.routes["POST", TCR_PATH] = (201, tcr_response({"credential": CREDENTIAL}))

    client_for(concierge).exchange_token(TOKEN)

    [request] = concierge.requests
    assert "Authorization" not in request.headers
    assert request.client_cn is None
    assert request.body == {
        "apiVersion": "login.concierge.pinniped.dev/v1alpha1",
        "kind": "TokenCredentialRequest",
        "metadata": {},
        "spec": {
            "token": TOKEN,
            "authenticator": {
                "apiGroup": "authentication.concierge.pinniped.dev",
                "kind": "WebhookAuthenticator",
                "name": "local-user-authenticator",
            },
        },
    }


def test_api_group_suffix_and_jwt_type_change_the_request(concierge: FakeServer) -> None:
    path = "/apis/login.concierge.example.io/v1alpha1/tokencredentialrequests"
    concierge.routes["POST", path] = (201, tcr_response({"credential": CREDENTIAL}))
    client = ConciergeClient(
        concierge.url,
        concierge.ca_pem,
        Authenticator("JWT", "my-jwt"),
        api_group_suffix="example.io",
        timeout=5,
    )

    client.exchange_token(TOKEN)

    authenticator = concierge.requests[0].body["spec"]["authenticator"]
    assert authenticator == {
        "apiGroup": "authentication.concierge.example.io",
        "kind": "JWTAuthenticator",
        "name": "my-jwt",
    }


def test_201_with_a_message_is_login_failed(concierge: FakeServer) -> None:
    concierge.routes["POST", TCR_PATH] = (201, tcr_response({"message": "authentication failed"}))

    with pytest.raises(LoginFailed) as caught:
        client_for(concierge).exchange_token(TOKEN)

    assert str(caught.value) == "login failed: authentication failed"


def test_201_without_credential_or_message_is_an_unknown_cause(concierge: FakeServer) -> None:
    concierge.routes["POST", TCR_PATH] = (201, tcr_response({}))

    with pytest.raises(LoginFailed, match=r"^login failed: unknown cause$"):
        client_for(concierge).exchange_token(TOKEN)


@pytest.mark.parametrize("code", [400, 403, 422, 500, 503])
def test_error_status_is_request_failed_with_code_and_message(concierge: FakeServer, code: int) -> None:
    status = {"kind": "Status", "status": "Failure", "message": f"it broke {code}", "code": code}
    concierge.routes["POST", TCR_PATH] = (code, status)

    with pytest.raises(ConciergeRequestFailed) as caught:
        client_for(concierge).exchange_token(TOKEN)

    assert caught.value.status == code
    assert str(caught.value) == f"could not login: server returned status {code}: it broke {code}"
    assert TOKEN not in str(caught.value)


def test_server_signed_by_another_ca_is_rejected(concierge: FakeServer) -> None:
    concierge.routes["POST", TCR_PATH] = (201, tcr_response({"credential": CREDENTIAL}))
    other_ca = trustme.CA().cert_pem.bytes()
    client = ConciergeClient(concierge.url, other_ca, WEBHOOK, timeout=5)

    with pytest.raises(ConciergeRequestFailed, match=r"certificate verify failed|tls:"):
        client.exchange_token(TOKEN)
    assert concierge.requests == []


def test_unreachable_endpoint_is_request_failed() -> None:
    client = ConciergeClient("https://127.0.0.1:1", None, WEBHOOK, timeout=5)

    with pytest.raises(ConciergeRequestFailed) as caught:
        client.exchange_token(TOKEN)

    assert "https://127.0.0.1:1" in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_non_json_success_body_is_request_failed(concierge: FakeServer) -> None:
    concierge.routes["POST", TCR_PATH] = (201, b"<html>")

    with pytest.raises(ConciergeRequestFailed, match="non-JSON"):
        client_for(concierge).exchange_token(TOKEN)


def test_fake_transport_seam_replaces_the_network() -> None:
    from pinniped.client.transport import HttpResponse

    seen: list[str] = []

    def transport(method: str, url: str, **_kwargs: object) -> HttpResponse:
        seen.append(f"{method} {url}")
        return HttpResponse(201, b'{"status": {"credential": {"expirationTimestamp": null}}}')

    client = ConciergeClient("https://x.example", None, WEBHOOK, transport=transport)

    assert client.exchange_token(TOKEN).expiration_timestamp is None
    assert seen == [f"POST https://x.example{TCR_PATH}"]


@pytest.mark.parametrize(
    ("endpoint", "ca_bundle", "authenticator", "message"),
    [
        ("", None, WEBHOOK, "endpoint must not be empty"),
        ("http://x.example", None, WEBHOOK, 'invalid endpoint scheme "http" (must be "https")'),
        ("https://x.example", b"not a pem", WEBHOOK, "invalid CA bundle data: no certificates found"),
        ("https://x.example", None, Authenticator("webhook", ""), "authenticator name must not be empty"),
        (
            "https://x.example",
            None,
            Authenticator("x", "name"),
            'invalid authenticator type: "x", supported values are "webhook" and "jwt"',
        ),
    ],
)
def test_invalid_parameters_have_upstreams_messages(
    endpoint: str, ca_bundle: bytes | None, authenticator: Authenticator, message: str
) -> None:
    with pytest.raises(InvalidConciergeParameters) as caught:
        ConciergeClient(endpoint, ca_bundle, authenticator)

    assert str(caught.value) == f"invalid Concierge parameters: {message}"
