"""SubjectAccessReview authorizer: the review it sends, its cache, and who skips it."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest

from pinniped.concierge.authorization import ResourceAttributes, SubjectAccessReviewAuthorizer
from pinniped.concierge.frontproxy import Caller

CREATE = ResourceAttributes("login.concierge.pinniped.dev", "v1alpha1", "tokencredentialrequests", "create")


class FakeSARClient:
    def __init__(self, allowed: bool = True, delay: float = 0.0) -> None:
        self.allowed = allowed
        self.delay = delay
        self.reviews: list[dict[str, Any]] = []

    async def create(
        self, path: str, body: dict[str, Any], params: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        assert path == "/apis/authorization.k8s.io/v1/subjectaccessreviews"
        self.reviews.append(body)
        await asyncio.sleep(self.delay)
        return {**body, "status": {"allowed": self.allowed}}


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_review_names_the_caller_and_the_resource() -> None:
    client = FakeSARClient()
    authorizer = SubjectAccessReviewAuthorizer(client)
    caller = Caller("pinny", uid="u1", groups=("seals",), extra={"k": ["v"]})
    assert await authorizer.authorize(caller, CREATE)
    assert client.reviews[0]["spec"] == {
        "user": "pinny",
        "uid": "u1",
        "groups": ["seals"],
        "extra": {"k": ["v"]},
        "resourceAttributes": {
            "group": "login.concierge.pinniped.dev",
            "version": "v1alpha1",
            "resource": "tokencredentialrequests",
            "verb": "create",
        },
    }


@pytest.mark.parametrize(("allowed", "ttl"), [(True, 10.0), (False, 2.0)])
async def test_answers_are_cached_for_their_ttl(allowed: bool, ttl: float) -> None:
    client, clock = FakeSARClient(allowed), Clock()
    authorizer = SubjectAccessReviewAuthorizer(client, monotonic=clock)
    caller = Caller("pinny")
    assert await authorizer.authorize(caller, CREATE) is allowed
    clock.now += ttl - 0.1
    assert await authorizer.authorize(caller, CREATE) is allowed
    assert len(client.reviews) == 1
    clock.now += 0.2
    await authorizer.authorize(caller, CREATE)
    assert len(client.reviews) == 2


async def test_different_verbs_are_reviewed_separately() -> None:
    client = FakeSARClient()
    authorizer = SubjectAccessReviewAuthorizer(client)
    await authorizer.authorize(Caller("pinny"), CREATE)
    await authorizer.authorize(Caller("pinny"), ResourceAttributes("g", "v", "r", "list"))
    assert len(client.reviews) == 2


async def test_identical_concurrent_questions_share_one_review() -> None:
    client = FakeSARClient(delay=0.05)
    authorizer = SubjectAccessReviewAuthorizer(client)
    answers = await asyncio.gather(*(authorizer.authorize(Caller("a"), CREATE) for _ in range(10)))
    assert answers == [True] * 10
    assert len(client.reviews) == 1


async def test_system_masters_skip_the_review() -> None:
    client = FakeSARClient(allowed=False)
    authorizer = SubjectAccessReviewAuthorizer(client)
    assert await authorizer.authorize(Caller("admin", groups=("system:masters",)), CREATE)
    assert client.reviews == []
