"""Fixtures shared by the integration and e2e suites: the cluster, and capability gating.

Load with `pytest_plugins = ["pinniped.testing.pytest_plugin"]`. The provider comes from
`--cluster-provider` or $PINNIPED_TEST_CLUSTER_PROVIDER (default: kind with Docker, else local).
A provider that cannot start fails the run with its reason; tests skip only by capability.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from pinniped.testing import env
from pinniped.testing.clusters.base import Cluster, ClusterStartError
from pinniped.testing.clusters.provider import PROVIDERS, choose_provider, start_cluster
from pinniped.testing.env import TestEnv

CLUSTER_KEY = pytest.StashKey[Cluster]()
INSTALL_LOGS_KEY = pytest.StashKey[Path]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pinniped")
    group.addoption("--cluster-provider", choices=PROVIDERS, default=None, help="local, kind or existing")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Build the local provider's binaries (once, minutes) before any test's timeout starts."""
    try:
        provider = choose_provider(session.config.getoption("--cluster-provider"))
    except ClusterStartError:
        return  # the cluster fixture reports it
    if provider == "local" and not session.config.getoption("collectonly"):
        from pinniped.testing.binaries import BinariesError, ensure

        try:
            ensure(lambda message: _progress(message + "\n"))
        except BinariesError as error:
            pytest.exit(f"the local cluster provider cannot get its binaries: {error}", returncode=1)


def _progress(message: str) -> None:
    sys.stderr.write(f"\n{message}")
    sys.stderr.flush()


@pytest.fixture(scope="session")
def cluster(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    provider = choose_provider(request.config.getoption("--cluster-provider"))
    started = time.monotonic()
    try:
        running = start_cluster(provider, _progress)
    except ClusterStartError as error:
        pytest.fail(f"the {provider} cluster provider could not start: {error}", pytrace=False)
    _progress(f"cluster ({provider}) ready in {time.monotonic() - started:.1f}s\n")
    request.config.stash[CLUSTER_KEY] = running
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(autouse=True)
def _require_capabilities(request: pytest.FixtureRequest) -> None:
    markers = list(request.node.iter_markers("capability"))
    if not markers:
        return
    cluster: Cluster = request.getfixturevalue("cluster")
    for marker in markers:
        for name in marker.args:
            if name not in cluster.capabilities:
                pytest.skip(f"cluster lacks capability {name!r}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed and report.when == "call":
        cluster = item.config.stash.get(CLUSTER_KEY, None)
        processes = getattr(cluster, "processes", {})
        for name, process in processes.items():
            report.sections.append((f"{name} log (tail)", process.tail(30)))
        install_logs = item.config.stash.get(INSTALL_LOGS_KEY, None)
        for log in sorted(install_logs.glob("*.log")) if install_logs else ():
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
            report.sections.append((f"{log.stem} log (tail)", tail))
    return report


@pytest.fixture(scope="session")
def pinniped_env(
    request: pytest.FixtureRequest, cluster: Cluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestEnv]:
    """The implementation under test: described by PINNIPED_TEST_* variables, or ours, installed now."""
    if env.provided():
        try:
            described = env.from_environ()
        except env.ContractError as error:
            pytest.fail(str(error), pytrace=False)
        yield described
        return
    from pinniped.testing.install import install_in_cluster, install_local

    workdir = tmp_path_factory.mktemp("pinniped-install")
    request.config.stash[INSTALL_LOGS_KEY] = workdir
    if "hostProcessBackends" in cluster.capabilities:
        installer = install_local(cluster, workdir, _progress)
    elif "inClusterBackends" in cluster.capabilities:
        installer = install_in_cluster(cluster, workdir, _progress)
    else:
        pytest.fail(
            "nothing describes the implementation under test: export the PINNIPED_TEST_* variables "
            "(see README) or use a provider we can install on",
            pytrace=False,
        )
    with installer as installed:
        yield installed
