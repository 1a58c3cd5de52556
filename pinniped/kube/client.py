"""A small async JSON client for the Kubernetes REST API, over aiohttp.

Objects are plain dicts (the wire shapes in `pinniped.api` type them where it matters). The client
knows paths, verbs, patch types and watch streams; callers name resources by path.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from typing import Any, Final

import aiohttp

from pinniped.kube.config import KubeSettings
from pinniped.kube.errors import ApiError

JSON: Final = "application/json"
MERGE_PATCH: Final = "application/merge-patch+json"
APPLY_PATCH: Final = "application/apply-patch+yaml"

Object = dict[str, Any]


def resource_path(
    group: str, version: str, plural: str, namespace: str | None = None, name: str | None = None
) -> str:
    """`/api/v1/...` for the core group, `/apis/<group>/<version>/...` otherwise."""
    base = f"/api/{version}" if group in ("", "core") else f"/apis/{group}/{version}"
    if namespace:
        base += f"/namespaces/{namespace}"
    base += f"/{plural}"
    if name:
        base += f"/{name}"
    return base


class KubeClient:
    """Async client for one API server. Use as an async context manager, or call close()."""

    def __init__(self, settings: KubeSettings, user_agent: str = "pinniped-py") -> None:
        self._settings = settings
        headers = {"User-Agent": user_agent, "Accept": JSON}
        if settings.token:
            headers["Authorization"] = f"Bearer {settings.token}"
        self._session = aiohttp.ClientSession(
            headers=headers,
            connector=aiohttp.TCPConnector(ssl=settings.ssl_context(), limit=64),
        )
        self._server = settings.server.rstrip("/")

    async def __aenter__(self) -> KubeClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._session.close()
        # aiohttp closes TLS transports asynchronously; give them a moment so no socket is left open.
        await asyncio.sleep(0.1)

    async def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: Mapping[str, str] | None = None,
        content_type: str = JSON,
        timeout: float = 30.0,
    ) -> Any:
        data = None if body is None else json.dumps(body)
        headers = {"Content-Type": content_type} if data is not None else None
        async with self._session.request(
            method,
            self._server + path,
            data=data,
            params=params,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=timeout),
            allow_redirects=False,
        ) as response:
            text = await response.text()
            try:
                payload: Any = json.loads(text) if text else None
            except ValueError:
                payload = text
            if response.status >= 300:
                raise ApiError.from_response(response.status, payload)
            return payload

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Object:
        result: Object = await self.request("GET", path, params=params)
        return result

    async def create(self, path: str, body: Object, params: Mapping[str, str] | None = None) -> Object:
        result: Object = await self.request("POST", path, body, params=params)
        return result

    async def replace(self, path: str, body: Object) -> Object:
        result: Object = await self.request("PUT", path, body)
        return result

    async def merge_patch(self, path: str, patch: Object) -> Object:
        result: Object = await self.request("PATCH", path, patch, content_type=MERGE_PATCH)
        return result

    async def apply(self, path: str, body: Object, field_manager: str, force: bool = True) -> Object:
        """Server-side apply (the body is JSON, which is valid YAML)."""
        params = {"fieldManager": field_manager, "force": "true" if force else "false"}
        result: Object = await self.request("PATCH", path, body, params=params, content_type=APPLY_PATCH)
        return result

    async def delete(self, path: str) -> Object:
        result: Object = await self.request("DELETE", path)
        return result

    async def watch(
        self, path: str, resource_version: str, timeout_seconds: int = 300
    ) -> AsyncIterator[Object]:
        """Yield watch events ({type, object}) until the server ends the stream."""
        params = {
            "watch": "true",
            "resourceVersion": resource_version,
            "allowWatchBookmarks": "true",
            "timeoutSeconds": str(timeout_seconds),
        }
        async with self._session.get(
            self._server + path,
            params=params,
            timeout=aiohttp.ClientTimeout(total=None, sock_read=timeout_seconds + 30),
            allow_redirects=False,
        ) as response:
            if response.status >= 300:
                text = await response.text()
                try:
                    payload: Any = json.loads(text)
                except ValueError:
                    payload = text
                raise ApiError.from_response(response.status, payload)
            async for line in response.content:
                if line.strip():
                    event: Object = json.loads(line)
                    yield event
