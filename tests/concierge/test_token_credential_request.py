"""POST/GET tokencredentialrequests: every outcome, byte for byte where upstream pins it."""

from __future__ import annotations

import datetime
import json
import logging

import pytest
from aiohttp.test_utils import TestClient
from cryptography import x509
from cryptography.x509.oid import NameOID
from pytest_aiohttp import AiohttpClient

from pinniped.authenticators.base import AuthenticationError, UserInfo
from pinniped.concierge.config import ConciergeConfig
from tests.concierge.concierge_fakes import TOKEN, WEBHOOK, FakeAuthenticator, make_app, tcr

PATH = "/apis/login.concierge.pinniped.dev/v1alpha1/tokencredentialrequests"
FAILED = {
    "kind": "TokenCredentialRequest",
    "apiVersion": "login.concierge.pinniped.dev/v1alpha1",
    "metadata": {"creationTimestamp": None},
    "spec": {"authenticator": {"apiGroup": None, "kind": "", "name": ""}},
    "status": {"message": "authentication failed"},
}


async def client_for(aiohttp_client: AiohttpClient, **kwargs: object) -> TestClient:  # type: ignore[type-arg]
    return await aiohttp_client(make_app(**kwargs).app)  # type: ignore[arg-type]


async def test_valid_token_returns_a_certificate_for_the_user_and_groups(
    aiohttp_client: AiohttpClient,
) -> None:
    client = await client_for(aiohttp_client)
    response = await client.post(PATH, json=tcr())
    assert response.status == 201
    body = await response.json()
    assert body["spec"] == {"authenticator": {"apiGroup": None, "kind": "", "name": ""}}
    credential = body["status"]["credential"]
    assert set(credential) == {"expirationTimestamp", "clientCertificateData", "clientKeyData"}
    cert = x509.load_pem_x509_certificate(credential["clientCertificateData"].encode())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "pinny"
    orgs = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    assert sorted(orgs) == ["admins", "seals"]
    assert credential["expirationTimestamp"] == cert.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    lifetime = cert.not_valid_after_utc - datetime.datetime.now(datetime.UTC)
    assert datetime.timedelta(minutes=4) < lifetime <= datetime.timedelta(minutes=5)
    assert credential["clientKeyData"].startswith("-----BEGIN PRIVATE KEY-----")


@pytest.mark.parametrize(
    "outcome",
    [
        None,
        AuthenticationError("webhook unreachable"),
        UserInfo("pinny", uid="1234"),
        UserInfo("pinny", extra={"scopes": ["a"]}),
        UserInfo(""),
    ],
    ids=["rejected", "webhook-error", "uid", "extra", "empty-username"],
)
async def test_every_authentication_failure_is_201_with_only_the_failure_message(
    aiohttp_client: AiohttpClient, outcome: UserInfo | Exception | None
) -> None:
    client = await client_for(aiohttp_client, user=outcome)
    response = await client.post(PATH, json=tcr())
    assert response.status == 201
    assert await response.json() == FAILED


async def test_unknown_authenticator_fails_with_authentication_failed(
    aiohttp_client: AiohttpClient,
) -> None:
    client = await client_for(aiohttp_client)
    body = tcr()
    body["spec"]["authenticator"]["name"] = "nope"  # type: ignore[index]
    response = await client.post(PATH, json=body)
    assert (response.status, await response.json()) == (201, FAILED)


async def test_credential_id_extra_is_the_one_extra_allowed(aiohttp_client: AiohttpClient) -> None:
    user = UserInfo("pinny", extra={"authentication.kubernetes.io/credential-id": ["x"]})
    client = await client_for(aiohttp_client, user=user)
    body = await (await client.post(PATH, json=tcr())).json()
    assert "credential" in body["status"]


async def test_signer_not_ready_fails_with_authentication_failed(
    aiohttp_client: AiohttpClient,
) -> None:
    harness = make_app()
    harness.issuer.authority = None
    client = await aiohttp_client(harness.app)
    response = await client.post(PATH, json=tcr())
    assert (response.status, await response.json()) == (201, FAILED)


async def test_empty_token_is_invalid_with_exactly_one_cause(aiohttp_client: AiohttpClient) -> None:
    client = await client_for(aiohttp_client)
    response = await client.post(PATH, json=tcr(token=""))
    assert response.status == 422
    assert await response.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'TokenCredentialRequest.login.concierge.pinniped.dev "" is invalid: '
        "spec.token.value: Required value: token must be supplied",
        "reason": "Invalid",
        "details": {
            "name": "",
            "group": "login.concierge.pinniped.dev",
            "kind": "TokenCredentialRequest",
            "causes": [
                {
                    "reason": "FieldValueRequired",
                    "message": "Required value: token must be supplied",
                    "field": "spec.token.value",
                }
            ],
        },
        "code": 422,
    }


async def test_wrong_kind_is_bad_request_without_echoing_the_token(
    aiohttp_client: AiohttpClient,
) -> None:
    client = await client_for(aiohttp_client)
    response = await client.post(PATH, json=tcr(kind="WhoAmIRequest"))
    text = await response.text()
    body = json.loads(text)
    assert (response.status, body["reason"]) == (400, "BadRequest")
    assert body["message"].startswith("not a TokenCredentialRequest: ")
    assert TOKEN not in text


async def test_dry_run_is_invalid(aiohttp_client: AiohttpClient) -> None:
    client = await client_for(aiohttp_client)
    response = await client.post(PATH + "?dryRun=All", json=tcr())
    body = await response.json()
    assert (response.status, body["reason"]) == (422, "Invalid")
    assert body["details"]["causes"] == [
        {
            "reason": "FieldValueNotSupported",
            "message": 'Unsupported value: []string{"All"}',
            "field": "dryRun",
        }
    ]


async def test_namespace_in_the_path_is_bad_request(aiohttp_client: AiohttpClient) -> None:
    client = await client_for(aiohttp_client)
    path = "/apis/login.concierge.pinniped.dev/v1alpha1/namespaces/ns1/tokencredentialrequests"
    response = await client.post(path, json=tcr())
    body = await response.json()
    assert (response.status, body["message"]) == (
        400,
        "namespace is not allowed on TokenCredentialRequest: ns1",
    )


async def test_list_is_empty(aiohttp_client: AiohttpClient) -> None:
    client = await client_for(aiohttp_client)
    response = await client.get(PATH)
    assert await response.json() == {
        "kind": "TokenCredentialRequestList",
        "apiVersion": "login.concierge.pinniped.dev/v1alpha1",
        "metadata": {"resourceVersion": "0"},
        "items": [],
    }


async def test_other_methods_are_not_allowed(aiohttp_client: AiohttpClient) -> None:
    client = await client_for(aiohttp_client)
    response = await client.delete(PATH)
    body = await response.json()
    assert (response.status, body["kind"], body["reason"]) == (405, "Status", "MethodNotAllowed")


@pytest.mark.parametrize(
    ("data", "content_type", "status", "reason"),
    [
        (b"{not json", "application/json", 400, "BadRequest"),
        (b"[1, 2]", "application/json", 400, "BadRequest"),
        (b"{}", "text/plain", 415, "UnsupportedMediaType"),
        (b'{"a": "' + b"x" * 5000 + b'"}', "application/json", 413, "RequestEntityTooLarge"),
    ],
    ids=["malformed", "not-an-object", "content-type", "too-large"],
)
async def test_bad_bodies_get_status_errors(
    aiohttp_client: AiohttpClient, data: bytes, content_type: str, status: int, reason: str
) -> None:
    config = ConciergeConfig(signer="csr", max_body_bytes=4096)
    client = await client_for(aiohttp_client, config=config)
    response = await client.post(PATH, data=data, headers={"Content-Type": content_type})
    body = await response.json()
    assert (response.status, body["kind"], body["reason"], body["code"]) == (
        status,
        "Status",
        reason,
        status,
    )


async def test_forbidden_caller_gets_kube_style_403(aiohttp_client: AiohttpClient) -> None:
    harness = make_app()
    harness.authorizer.allowed = False
    client = await aiohttp_client(harness.app)
    response = await client.post(PATH, json=tcr())
    body = await response.json()
    assert response.status == 403
    assert body["reason"] == "Forbidden"
    assert body["message"] == (
        'tokencredentialrequests.login.concierge.pinniped.dev is forbidden: User "system:anonymous" '
        'cannot create resource "tokencredentialrequests" in API group '
        '"login.concierge.pinniped.dev" at the cluster scope'
    )
    caller, attributes = harness.authorizer.calls[0]
    assert (caller.username, caller.groups) == ("system:anonymous", ("system:unauthenticated",))
    assert (attributes.resource, attributes.verb) == ("tokencredentialrequests", "create")


async def test_authenticator_is_not_called_when_validation_fails(
    aiohttp_client: AiohttpClient,
) -> None:
    harness = make_app()
    client = await aiohttp_client(harness.app)
    await client.post(PATH + "?dryRun=All", json=tcr())
    authenticator = harness.authenticators.get(WEBHOOK)
    assert isinstance(authenticator, FakeAuthenticator)
    assert authenticator.tokens == []


async def test_audit_events_name_each_outcome_and_never_the_token(
    aiohttp_client: AiohttpClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = await client_for(aiohttp_client)
    with caplog.at_level(logging.INFO, logger="pinniped.concierge.audit"):
        await client.post(PATH, json=tcr())
        body = tcr()
        body["spec"]["authenticator"]["name"] = "missing"  # type: ignore[index]
        await client.post(PATH, json=body)
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "TokenCredentialRequest Token Received",
        "TokenCredentialRequest Authenticated User",
        "TokenCredentialRequest Token Received",
        "TokenCredentialRequest Authentication Failed",
    ]
    import hashlib

    assert caplog.records[0].tokenID == hashlib.sha256(TOKEN.encode()).hexdigest()  # type: ignore[attr-defined]
    assert caplog.records[1].username == "pinny"  # type: ignore[attr-defined]
    assert all(TOKEN not in str(vars(r)) for r in caplog.records)
