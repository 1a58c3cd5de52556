"""A token authenticator that asks a TokenReview webhook, as upstream's WebhookAuthenticator does.

POST to the exact `spec.endpoint`, `authentication.k8s.io/v1beta1` unless told otherwise, no
audiences, no client credentials. Connection errors, timeouts, 5xx and 429 are retried with backoff;
any other non-2xx answer fails at once. The token never reaches a log or an error message.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import ssl
from collections.abc import Awaitable, Callable
from typing import Any, Final, Literal

import aiohttp

from pinniped.api import tokenreview
from pinniped.authenticators.base import AuthenticationError, UserInfo
from pinniped.authenticators.retry import Backoff
from pinniped.authenticators.tls import client_ssl_context

log = logging.getLogger(__name__)

TokenReviewVersion = Literal["v1beta1", "v1"]
API_VERSIONS: Final[dict[TokenReviewVersion, str]] = {
    "v1beta1": tokenreview.V1BETA1,
    "v1": tokenreview.V1,
}
DEFAULT_TIMEOUT: Final = 30.0
DEFAULT_BACKOFF: Final = Backoff()
_HEADERS: Final = {"Content-Type": "application/json", "Accept": "application/json, */*"}


class _RetryableError(Exception):
    """One attempt failed in a way worth another try."""


def review_body(token: str, api_version: str) -> dict[str, Any]:
    """The TokenReview request body, shaped as client-go serializes it."""
    return {
        "kind": tokenreview.KIND,
        "apiVersion": api_version,
        "metadata": {"creationTimestamp": None},
        "spec": {"token": token},
        "status": {"user": {}},
    }


def user_from_review(review: Any) -> UserInfo | None:
    """Map a TokenReview response to a user (None when not authenticated)."""
    if not isinstance(review, dict) or not isinstance(review.get("status", {}), dict):
        raise AuthenticationError("webhook returned a malformed TokenReview")
    status = review.get("status", {})
    if not status.get("authenticated"):
        if status.get("error"):
            log.debug("webhook rejected the token", extra={"webhook_error": str(status["error"])})
        return None
    user = status.get("user") or {}
    if not isinstance(user, dict):
        raise AuthenticationError("webhook returned a malformed TokenReview")
    username = user.get("username", "")
    if not isinstance(username, str) or not username:
        raise AuthenticationError("webhook authenticated the token but returned no username")
    groups = user.get("groups") or []
    extra = user.get("extra") or {}
    if not isinstance(groups, list) or not isinstance(extra, dict):
        raise AuthenticationError("webhook returned a malformed TokenReview")
    if not all(isinstance(values, list) for values in extra.values()):
        raise AuthenticationError("webhook returned a malformed TokenReview")
    return UserInfo(
        username=username,
        uid=str(user.get("uid", "")),
        groups=tuple(str(group) for group in groups),
        extra={str(key): tuple(str(v) for v in values) for key, values in extra.items()},
    )


class WebhookTokenAuthenticator:
    """Authenticates tokens through one webhook endpoint; one HTTP session, closed by close()."""

    def __init__(
        self,
        endpoint: str,
        ca_pem: bytes | None,
        *,
        version: TokenReviewVersion = "v1beta1",
        timeout: float = DEFAULT_TIMEOUT,
        backoff: Backoff = DEFAULT_BACKOFF,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        if not endpoint.startswith("https://"):
            raise ValueError("the webhook endpoint must be an https:// URL")
        self.endpoint = endpoint
        self.api_version = API_VERSIONS[version]
        self._ssl: ssl.SSLContext = client_ssl_context(ca_pem)
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._backoff = backoff
        self._sleep = sleep
        self._rand = rand
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        # Created on first use: a ClientSession wants a running event loop.
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=self._ssl), trust_env=False
            )
        return self._session

    async def authenticate(self, token: str) -> UserInfo | None:
        body = json.dumps(review_body(token, self.api_version))
        delays = self._backoff.delays(self._rand)
        while True:
            try:
                return user_from_review(await self._post(body))
            except _RetryableError as error:
                delay = next(delays, None)
                if delay is None:
                    raise AuthenticationError(f"webhook call failed: {error}") from None
                log.info(
                    "webhook call failed, retrying",
                    extra={"endpoint": self.endpoint, "error": str(error), "delay": delay},
                )
                await self._sleep(delay)

    async def _post(self, body: str) -> Any:
        try:
            async with self._client().post(
                self.endpoint,
                data=body,
                headers=_HEADERS,
                timeout=self._timeout,
                allow_redirects=False,
            ) as response:
                raw = await response.read()
        except aiohttp.ClientSSLError as error:
            raise AuthenticationError(f"webhook TLS failure: {error}") from None
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as error:
            raise _RetryableError(f"connection error: {error}") from None
        except TimeoutError:
            raise _RetryableError("timed out") from None
        if response.status >= 500 or response.status == 429:
            raise _RetryableError(f"HTTP {response.status}")
        if not 200 <= response.status < 300:
            raise AuthenticationError(f"webhook answered HTTP {response.status}")
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise AuthenticationError("webhook returned a body that is not JSON") from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
