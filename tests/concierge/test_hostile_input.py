"""Hostile or malformed requests get a Status with the right code, and nothing secret is logged."""

from __future__ import annotations

import json
import logging

import pytest
from pytest_aiohttp import AiohttpClient

from tests.concierge.concierge_fakes import TOKEN, make_app, tcr

TCR = "/apis/login.concierge.pinniped.dev/v1alpha1/tokencredentialrequests"
WHOAMI = "/apis/identity.concierge.pinniped.dev/v1alpha1/whoamirequests"
JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("path", [TCR, WHOAMI])
async def test_deeply_nested_json_is_bad_request(aiohttp_client: AiohttpClient, path: str) -> None:
    client = await aiohttp_client(make_app().app)
    response = await client.post(path, data=b"[" * 50_000 + b"]" * 50_000, headers=JSON)
    body = await response.json()
    assert (response.status, body["kind"], body["reason"]) == (400, "Status", "BadRequest")


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("OPTIONS", TCR, 405),
        ("PUT", TCR, 405),
        ("DELETE", WHOAMI, 405),
        ("POST", TCR + "/", 404),
        ("POST", TCR.replace("/v1alpha1/", "//v1alpha1/"), 404),
        ("GET", "/apis/", 404),
    ],
)
async def test_wrong_methods_and_odd_paths_are_status_errors_not_redirects(
    aiohttp_client: AiohttpClient, method: str, path: str, code: int
) -> None:
    client = await aiohttp_client(make_app().app)
    response = await client.request(method, path, data=b"{}", headers=JSON, allow_redirects=False)
    assert response.status == code
    assert (await response.json())["kind"] == "Status"


async def test_unexpected_authenticator_errors_are_logged_without_their_message(
    aiohttp_client: AiohttpClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = await aiohttp_client(make_app(user=RuntimeError(f"cannot parse {TOKEN}")).app)
    response = await client.post(TCR, json=tcr())
    assert (await response.json())["status"] == {"message": "authentication failed"}
    errors = [r for r in caplog.records if r.getMessage() == "authenticator failed unexpectedly"]
    assert errors[0].errorType == "RuntimeError"  # type: ignore[attr-defined]
    assert TOKEN not in caplog.text
    assert all(TOKEN not in str(vars(record)) for record in caplog.records)


async def test_no_token_or_key_reaches_the_logs_at_debug(
    aiohttp_client: AiohttpClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = await aiohttp_client(make_app().app)
    issued = await (await client.post(TCR, json=tcr())).json()
    key = issued["status"]["credential"]["clientKeyData"]
    rejected = await aiohttp_client(make_app(user=None).app)
    assert "message" in (await (await rejected.post(TCR, json=tcr())).json())["status"]
    await client.post(TCR, data=json.dumps(tcr(kind="Nope")), headers=JSON)
    logged = caplog.text + "".join(str(vars(record)) for record in caplog.records)
    assert TOKEN not in logged
    assert key.splitlines()[1] not in logged
