"""API group names, versions and resources of the Concierge, with the optional group suffix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

DEFAULT_API_GROUP_SUFFIX: Final = "pinniped.dev"
VERSION: Final = "v1alpha1"


@dataclass(frozen=True)
class ConciergeGroups:
    """The four Concierge API groups for one group suffix (upstream's `groupsuffix`)."""

    suffix: str = DEFAULT_API_GROUP_SUFFIX

    @property
    def login(self) -> str:
        return f"login.concierge.{self.suffix}"

    @property
    def identity(self) -> str:
        return f"identity.concierge.{self.suffix}"

    @property
    def authentication(self) -> str:
        return f"authentication.concierge.{self.suffix}"

    @property
    def config(self) -> str:
        return f"config.concierge.{self.suffix}"

    def api_version(self, group: str) -> str:
        return f"{group}/{VERSION}"


TOKEN_CREDENTIAL_REQUESTS: Final = "tokencredentialrequests"
WHO_AM_I_REQUESTS: Final = "whoamirequests"
WEBHOOK_AUTHENTICATORS: Final = "webhookauthenticators"
JWT_AUTHENTICATORS: Final = "jwtauthenticators"
CREDENTIAL_ISSUERS: Final = "credentialissuers"

AUTHENTICATOR_KINDS: Final = {"webhook": "WebhookAuthenticator", "jwt": "JWTAuthenticator"}
