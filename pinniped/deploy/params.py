"""What a rendering of the Concierge's manifests depends on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from pinniped.api.groups import ConciergeGroups

DEFAULT_NAMESPACE: Final = "pinniped-concierge"
DEFAULT_APP_NAME: Final = "pinniped-concierge"
DEFAULT_IMAGE: Final = "pinniped-py:latest"
API_PORT: Final = 10250


@dataclass(frozen=True)
class DeployParams:
    namespace: str = DEFAULT_NAMESPACE
    image: str = DEFAULT_IMAGE
    api_group_suffix: str = "pinniped.dev"
    app_name: str = DEFAULT_APP_NAME
    local_port: int | None = None
    """Set for the local provider: the Concierge is a host process listening on this port."""
    args: tuple[str, ...] = ()
    """Extra arguments for the Concierge container."""
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def groups(self) -> ConciergeGroups:
        return ConciergeGroups(self.api_group_suffix)

    @property
    def service_name(self) -> str:
        return f"{self.app_name}-api"

    @property
    def service_account(self) -> str:
        return self.app_name

    @property
    def all_labels(self) -> dict[str, str]:
        return {"app": self.app_name, **self.labels}

    def metadata(self, name: str, namespaced: bool = True) -> dict[str, object]:
        meta: dict[str, object] = {"name": name, "labels": self.all_labels}
        if namespaced:
            meta["namespace"] = self.namespace
        return meta
