"""The local provider cleans up after itself: no process group and no work directory survive stop()."""

from __future__ import annotations

import pytest

from pinniped.testing.binaries import ensure
from pinniped.testing.clusters.base import Cluster
from pinniped.testing.clusters.local import LocalCluster
from pinniped.testing.processes import group_alive


@pytest.mark.capability("localControlPlane")
def test_stop_leaves_no_process_group_and_no_temp_directory(cluster: Cluster) -> None:
    second = LocalCluster.start(ensure(lambda _: None), progress=lambda _: None)
    groups = {name: process.pgid for name, process in second.processes.items()}
    workdir = second.workdir
    assert set(groups) == {"etcd", "kube-apiserver", "kube-controller-manager"}
    assert all(group_alive(pgid) for pgid in groups.values())
    assert second.kubectl("get", "--raw", "/readyz").stdout == "ok"

    second.stop()

    assert {name for name, pgid in groups.items() if group_alive(pgid)} == set()
    assert not workdir.exists()
