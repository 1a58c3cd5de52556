"""Choosing and starting a cluster provider."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Final, Literal, cast

from pinniped.testing.clusters.base import Cluster, ClusterStartError

ProviderName = Literal["local", "kind", "existing"]
PROVIDERS: Final = ("local", "kind", "existing")
ENVIRONMENT_VARIABLE: Final = "PINNIPED_TEST_CLUSTER_PROVIDER"


def choose_provider(requested: str | None) -> ProviderName:
    """The requested provider, else $PINNIPED_TEST_CLUSTER_PROVIDER, else kind with Docker, else local."""
    name = requested or os.environ.get(ENVIRONMENT_VARIABLE)
    if name:
        if name not in PROVIDERS:
            raise ClusterStartError(
                f"unknown cluster provider {name!r}; choose one of {', '.join(PROVIDERS)}"
            )
        return cast(ProviderName, name)
    from pinniped.testing.clusters.kind import docker_available

    return "kind" if docker_available() and _has_kind() else "local"


def _has_kind() -> bool:
    import shutil

    return bool(os.environ.get("PINNIPED_KIND") or shutil.which("kind"))


def start_cluster(provider: ProviderName, progress: Callable[[str], None], keep: bool = False) -> Cluster:
    """Start (or attach to) a cluster; ClusterStartError with the reason when it cannot."""
    if provider == "existing":
        from pinniped.testing.clusters.existing import ExistingCluster

        return ExistingCluster.from_environment()
    if provider == "kind":
        from pinniped.testing.clusters.kind import KindProviderCluster

        workdir = Path(tempfile.mkdtemp(prefix="pinniped-kind-"))
        progress("kind cluster: creating (this pulls kindest/node on first use)")
        return KindProviderCluster.start("pinniped-py", workdir, keep=keep)

    from pinniped.testing.binaries import BinariesError, ensure
    from pinniped.testing.clusters.local import LocalCluster

    try:
        binaries = ensure(progress)
    except BinariesError as error:
        raise ClusterStartError(str(error)) from error
    return LocalCluster.start(binaries, progress)
