"""The provisioning ↔ tests contract: what the suites need to know about the implementation under test.

Our own set-up writes it for our implementation; for any other implementation (upstream Pinniped
included), export the same `PINNIPED_TEST_*` variables and run the suites with the `existing` provider.
The suites read everything implementation-specific from here, never from our internals.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

PREFIX: Final = "PINNIPED_TEST_"
REQUIRED: Final = (
    "CONCIERGE_NAMESPACE",
    "AUTHENTICATOR_NAME",
    "WEBHOOK_ENDPOINT",
    "WEBHOOK_CA_BUNDLE",
    "USER_USERNAME",
    "USER_TOKEN",
)


class ContractError(ValueError):
    pass


@dataclass(frozen=True)
class TestEnv:
    """Values every conformance test may rely on."""

    __test__ = False  # not a test class, despite the name

    concierge_namespace: str
    api_group_suffix: str
    authenticator_type: str
    """`webhook` or `jwt`: the kind of the authenticator below."""
    authenticator_name: str
    """An authenticator that accepts `user_token`."""
    webhook_endpoint: str
    """A TokenReview webhook the Concierge can reach; tests create their own authenticators with it."""
    webhook_ca_bundle: str
    """Base64 PEM CA of that webhook, as `spec.tls.certificateAuthorityData` takes it."""
    user_username: str
    user_groups: tuple[str, ...]
    user_token: str
    concierge_log: Path | None = None
    """Optional: a file the Concierge logs to (audit events), for tests that count its requests."""
    extra: Mapping[str, str] = field(default_factory=dict)

    def to_environ(self) -> dict[str, str]:
        values = {
            "CONCIERGE_NAMESPACE": self.concierge_namespace,
            "API_GROUP_SUFFIX": self.api_group_suffix,
            "AUTHENTICATOR_TYPE": self.authenticator_type,
            "AUTHENTICATOR_NAME": self.authenticator_name,
            "WEBHOOK_ENDPOINT": self.webhook_endpoint,
            "WEBHOOK_CA_BUNDLE": self.webhook_ca_bundle,
            "USER_USERNAME": self.user_username,
            "USER_GROUPS": ",".join(self.user_groups),
            "USER_TOKEN": self.user_token,
        }
        if self.concierge_log is not None:
            values["CONCIERGE_LOG"] = str(self.concierge_log)
        return {PREFIX + key: value for key, value in {**values, **self.extra}.items()}

    def shell_exports(self) -> str:
        return "\n".join(f"export {k}={shlex.quote(v)}" for k, v in self.to_environ().items()) + "\n"


def provided(environ: Mapping[str, str] = os.environ) -> bool:
    """True when the caller provisioned the implementation and described it in the environment."""
    return PREFIX + "USER_TOKEN" in environ


def from_environ(environ: Mapping[str, str] = os.environ) -> TestEnv:
    missing = [PREFIX + name for name in REQUIRED if not environ.get(PREFIX + name)]
    if missing:
        raise ContractError(f"missing test environment variables: {', '.join(missing)}")
    log = environ.get(PREFIX + "CONCIERGE_LOG")
    groups = environ.get(PREFIX + "USER_GROUPS", "")
    return TestEnv(
        concierge_namespace=environ[PREFIX + "CONCIERGE_NAMESPACE"],
        api_group_suffix=environ.get(PREFIX + "API_GROUP_SUFFIX") or "pinniped.dev",
        authenticator_type=environ.get(PREFIX + "AUTHENTICATOR_TYPE") or "webhook",
        authenticator_name=environ[PREFIX + "AUTHENTICATOR_NAME"],
        webhook_endpoint=environ[PREFIX + "WEBHOOK_ENDPOINT"],
        webhook_ca_bundle=environ[PREFIX + "WEBHOOK_CA_BUNDLE"],
        user_username=environ[PREFIX + "USER_USERNAME"],
        user_groups=tuple(g.strip() for g in groups.split(",") if g.strip()),
        user_token=environ[PREFIX + "USER_TOKEN"],
        concierge_log=Path(log) if log else None,
    )
