"""Binary resolution: KUBEBUILDER_ASSETS, a complete cache reused without Go, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pinniped.testing import binaries


def _module(tmp_path: Path) -> Path:
    module = tmp_path / "k8sbin"
    module.mkdir(parents=True)
    (module / "go.mod").write_text("module x\n\nrequire (\n\tk8s.io/kubernetes v1.36.3\n)\n")
    (module / "go.sum").write_text("")
    return module


def test_the_version_comes_from_the_pinned_go_module() -> None:
    assert binaries.kubernetes_version().startswith("v1.")


def test_kubebuilder_assets_are_used_when_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("etcd", "kube-apiserver", "kubectl"):
        (tmp_path / name).touch()
    monkeypatch.setenv("KUBEBUILDER_ASSETS", str(tmp_path))
    found = binaries.ensure(progress=lambda _: None, module_dir=_module(tmp_path / "m"))
    assert found.directory == tmp_path
    assert not found.has_controller_manager


def test_incomplete_kubebuilder_assets_name_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "etcd").touch()
    monkeypatch.setenv("KUBEBUILDER_ASSETS", str(tmp_path))
    with pytest.raises(binaries.BinariesError, match="kube-apiserver, kubectl"):
        binaries.ensure(progress=lambda _: None, module_dir=_module(tmp_path / "m"))


def test_a_complete_cache_is_reused_without_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = _module(tmp_path)
    monkeypatch.delenv("KUBEBUILDER_ASSETS", raising=False)
    monkeypatch.setenv("PINNIPED_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    cached = tmp_path / "cache" / "k8s" / "v1.36.3-go1.26.8" / "bin"
    cached.mkdir(parents=True)
    (cached / binaries.STAMP).write_text(binaries._module_digest(module) + "\n")
    lines: list[str] = []
    found = binaries.ensure(progress=lines.append, module_dir=module)
    assert found.directory == cached
    assert lines == [f"binaries: reusing {cached}"]


def test_without_go_or_cache_the_error_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KUBEBUILDER_ASSETS", raising=False)
    monkeypatch.setenv("PINNIPED_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(binaries.BinariesError, match=r"Go >= 1\.26.*KUBEBUILDER_ASSETS"):
        binaries.ensure(progress=lambda _: None, module_dir=_module(tmp_path))
