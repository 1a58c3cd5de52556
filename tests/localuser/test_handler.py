"""POST /authenticate: every row of the status-code table, both TokenReview versions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient

from pinniped.api.tokenreview import V1, V1BETA1
from pinniped.localuser.app import Deps, build_app
from pinniped.localuser.config import ServeConfig
from pinniped.localuser.passwords import PasswordChecker
from pinniped.localuser.users import StaticUserStore, UserRecord, UserStoreError

from .fakes import user

JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
Client = TestClient[web.Request, web.Application]


class FailingStore:
    def get(self, username: str) -> UserRecord | None:
        raise UserStoreError("the user store has not synced yet")


@pytest.fixture
def store() -> StaticUserStore:
    return StaticUserStore(
        {
            "ryan": user("ryan", "password123", "group1", "group2"),
            "loner": user("loner", "solo"),
            "colon": user("colon", "pass:with:colons"),
            "nohash": UserRecord("nohash", None),
            "badhash": UserRecord("badhash", b"not-a-bcrypt-hash"),
        }
    )


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, store: StaticUserStore) -> Client:
    app = build_app(ServeConfig(max_body_bytes=4096), Deps(store, PasswordChecker()))
    return await aiohttp_client(app)


def review(token: object, api_version: str = V1BETA1, kind: str = "TokenReview") -> bytes:
    body = {"apiVersion": api_version, "kind": kind, "spec": {"token": token}, "status": {}}
    return json.dumps(body).encode()


async def post(
    client: Client, body: bytes, headers: dict[str, str] | None = None, path: str = "/authenticate"
) -> tuple[int, Any]:
    response = await client.post(
        path,
        data=body,
        headers=JSON_HEADERS if headers is None else headers,
        skip_auto_headers={"Accept", "Content-Type"},
    )
    text = await response.text()
    assert "Traceback" not in text
    return response.status, json.loads(text)


async def test_success_returns_username_and_groups_in_v1beta1(client: Client) -> None:
    status, body = await post(client, review("ryan:password123"))
    assert status == 200
    assert body["apiVersion"] == V1BETA1
    assert body["kind"] == "TokenReview"
    assert body["status"] == {
        "authenticated": True,
        "user": {"username": "ryan", "groups": ["group1", "group2"]},
    }


async def test_success_answers_v1_in_v1(client: Client) -> None:
    status, body = await post(client, review("ryan:password123", api_version=V1))
    assert status == 200
    assert body["apiVersion"] == V1
    assert body["status"]["authenticated"] is True
    assert body["status"]["user"]["username"] == "ryan"


async def test_success_without_groups_has_no_groups_uid_or_extra(client: Client) -> None:
    status, body = await post(client, review("loner:solo"))
    assert status == 200
    assert body["status"] == {"authenticated": True, "user": {"username": "loner"}}


async def test_token_is_split_at_the_first_colon(client: Client) -> None:
    status, body = await post(client, review("colon:pass:with:colons"))
    assert (status, body["status"]["authenticated"]) == (200, True)


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("nobody:password123", id="unknown user"),
        pytest.param("ryan:wrong", id="wrong password"),
        pytest.param("ryan:", id="empty password"),
        pytest.param("nohash:anything", id="missing hash"),
        pytest.param("badhash:anything", id="invalid hash"),
        pytest.param(":password123", id="empty username"),
        pytest.param("ryan:" + "x" * 100, id="password longer than bcrypt allows"),
        pytest.param("ryan:\ud800", id="lone surrogate in password"),
    ],
)
@pytest.mark.parametrize("api_version", [V1BETA1, V1])
async def test_bad_credentials_are_not_authenticated(client: Client, token: str, api_version: str) -> None:
    status, body = await post(client, review(token, api_version=api_version))
    assert status == 200
    assert body["apiVersion"] == api_version
    assert body["status"] == {"authenticated": False, "user": {}}


async def test_unknown_path_is_404(client: Client) -> None:
    status, body = await post(client, review("ryan:password123"), path="/other")
    assert status == 404
    assert body["kind"] == "Status"
    assert body["reason"] == "NotFound"


async def test_wrong_method_is_405(client: Client) -> None:
    response = await client.get("/authenticate", headers=JSON_HEADERS)
    assert response.status == 405
    assert (await response.json())["code"] == 405


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/jsonx", "application/*"])
async def test_wrong_content_type_is_415(client: Client, content_type: str | None) -> None:
    headers = {"Accept": "application/json"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    status, body = await post(client, review("ryan:password123"), headers)
    assert status == 415
    assert body["reason"] == "UnsupportedMediaType"


async def test_content_type_with_parameters_is_accepted(client: Client) -> None:
    headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
    status, _ = await post(client, review("ryan:password123"), headers)
    assert status == 200


@pytest.mark.parametrize("accept", [None, "text/plain", "application/yaml, text/*"])
async def test_missing_or_wrong_accept_is_415(client: Client, accept: str | None) -> None:
    headers = {"Content-Type": "application/json"}
    if accept is not None:
        headers["Accept"] = accept
    status, _ = await post(client, review("ryan:password123"), headers)
    assert status == 415


@pytest.mark.parametrize(
    "accept",
    ["application/json", "application/*", "*/*", "text/plain, application/json;q=0.9", "*/*;q=0.1"],
)
async def test_acceptable_accept_headers(client: Client, accept: str) -> None:
    headers = {"Content-Type": "application/json", "Accept": accept}
    status, _ = await post(client, review("ryan:password123"), headers)
    assert status == 200


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"{not json", id="not json"),
        pytest.param(b"\xff\xfe", id="not utf-8"),
        pytest.param(b"[1, 2]", id="not an object"),
        pytest.param(b"[" * 2000 + b"]" * 2000, id="too deeply nested"),
        pytest.param(review("ryan:password123", api_version="authentication.k8s.io/v2"), id="v2"),
        pytest.param(review("ryan:password123", api_version="v1"), id="core v1"),
        pytest.param(review("ryan:password123", kind="SubjectAccessReview"), id="wrong kind"),
        pytest.param(review("no-colon-here"), id="token without colon"),
        pytest.param(review(""), id="empty token"),
        pytest.param(review(42), id="token not a string"),
        pytest.param(json.dumps({"apiVersion": V1, "kind": "TokenReview"}).encode(), id="no spec"),
    ],
)
async def test_malformed_requests_are_400(client: Client, body: bytes) -> None:
    status, answer = await post(client, body)
    assert status == 400
    assert answer["reason"] == "BadRequest"
    assert "password123" not in json.dumps(answer)


async def test_body_over_the_limit_is_413(client: Client) -> None:
    body = json.dumps(
        {"apiVersion": V1, "kind": "TokenReview", "spec": {"token": "ryan:" + "x" * 5000}}
    ).encode()
    status, answer = await post(client, body)
    assert status == 413
    assert answer["reason"] == "RequestEntityTooLarge"


async def test_chunked_body_over_the_limit_is_413(client: Client) -> None:
    async def chunks() -> Any:
        for _ in range(10):
            yield b"x" * 1000

    response = await client.post(
        "/authenticate", data=chunks(), headers=JSON_HEADERS, skip_auto_headers={"Content-Type"}
    )
    assert response.status == 413


async def test_store_error_is_500(aiohttp_client: AiohttpClient) -> None:
    app = build_app(ServeConfig(), Deps(FailingStore(), PasswordChecker()))
    client = await aiohttp_client(app)
    status, body = await post(client, review("ryan:password123"))
    assert status == 500
    assert body["reason"] == "InternalError"


async def test_malformed_token_still_400_when_store_fails(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(build_app(ServeConfig(), Deps(FailingStore(), PasswordChecker())))
    status, _ = await post(client, review("no-colon"))
    assert status == 400


async def test_logs_username_and_outcome_but_never_the_secret(
    client: Client, store: StaticUserStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    await post(client, review("ryan:password123"))
    await post(client, review("ryan:wrongpass"))
    records = [r for r in caplog.records if r.getMessage() == "authentication request"]
    assert [(r.__dict__["username"], r.__dict__["outcome"]) for r in records] == [
        ("ryan", "authenticated"),
        ("ryan", "wrong password"),
    ]
    assert "password123" not in caplog.text
    assert "wrongpass" not in caplog.text
    password_hash = store.users["ryan"].password_hash
    assert password_hash is not None
    assert password_hash.decode() not in caplog.text
