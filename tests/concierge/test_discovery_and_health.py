"""Discovery documents, health endpoints, unknown paths and no redirects."""

from __future__ import annotations

from pytest_aiohttp import AiohttpClient

from tests.concierge.concierge_fakes import make_app

LOGIN = "login.concierge.pinniped.dev"


async def test_resource_list_describes_token_credential_requests(
    aiohttp_client: AiohttpClient,
) -> None:
    client = await aiohttp_client(make_app().app)
    response = await client.get(f"/apis/{LOGIN}/v1alpha1")
    assert await response.json() == {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{LOGIN}/v1alpha1",
        "resources": [
            {
                "name": "tokencredentialrequests",
                "singularName": "tokencredentialrequest",
                "namespaced": False,
                "kind": "TokenCredentialRequest",
                "verbs": ["create", "list"],
                "categories": ["pinniped"],
            }
        ],
    }


async def test_identity_group_lists_whoami_requests(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(make_app().app)
    body = await (await client.get("/apis/identity.concierge.pinniped.dev/v1alpha1")).json()
    assert [(r["name"], r["kind"]) for r in body["resources"]] == [("whoamirequests", "WhoAmIRequest")]


async def test_aggregated_discovery_is_declined_so_the_aggregator_falls_back(
    aiohttp_client: AiohttpClient,
) -> None:
    client = await aiohttp_client(make_app().app)
    accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
    response = await client.get("/apis", headers={"Accept": accept})
    assert response.status == 406
    plain = await (await client.get("/apis")).json()
    assert [g["name"] for g in plain["groups"]] == [LOGIN, "identity.concierge.pinniped.dev"]


async def test_health_endpoints_answer_ok(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(make_app().app)
    for path in ("/healthz", "/livez", "/readyz"):
        response = await client.get(path)
        assert (response.status, await response.text()) == (200, "ok")


async def test_readyz_fails_until_every_check_passes(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(make_app(ready=False).app)
    response = await client.get("/readyz")
    assert response.status == 503
    assert "[-]serving-certificate failed" in await response.text()


async def test_unknown_paths_and_openapi_are_404_status(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(make_app().app)
    for path in ("/openapi/v2", "/openapi/v3", "/nope", f"/apis/{LOGIN}/v1alpha1/foo"):
        response = await client.get(path)
        body = await response.json()
        assert (response.status, body["kind"], body["reason"]) == (404, "Status", "NotFound")


async def test_trailing_slash_is_not_redirected(aiohttp_client: AiohttpClient) -> None:
    client = await aiohttp_client(make_app().app)
    response = await client.get(f"/apis/{LOGIN}/v1alpha1/tokencredentialrequests/", allow_redirects=False)
    assert response.status == 404


async def test_discovery_and_health_skip_authorization(aiohttp_client: AiohttpClient) -> None:
    harness = make_app()
    harness.authorizer.allowed = False
    client = await aiohttp_client(harness.app)
    assert (await client.get(f"/apis/{LOGIN}/v1alpha1")).status == 200
    assert (await client.get("/healthz")).status == 200
    assert harness.authorizer.calls == []


async def test_unexpected_errors_are_500_status_without_a_traceback(
    aiohttp_client: AiohttpClient,
) -> None:
    harness = make_app()

    async def explode(*args: object) -> object:
        raise RuntimeError("kaboom")

    harness.issuer.issue = explode  # type: ignore[method-assign,assignment]
    client = await aiohttp_client(harness.app)
    from tests.concierge.concierge_fakes import tcr

    response = await client.post(f"/apis/{LOGIN}/v1alpha1/tokencredentialrequests", json=tcr())
    text = await response.text()
    assert response.status == 500
    assert '"reason":"InternalError"' in text
    assert "Traceback" not in text
    assert "kaboom" not in text
