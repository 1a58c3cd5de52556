"""Kubernetes binaries (etcd, kube-apiserver, kube-controller-manager, kubectl) for test clusters.

They are built from the pinned Go module in hack/k8sbin into a per-version cache outside the repository,
`~/.cache/pinniped/k8s/<k8s-version>-<go-version>/bin`, and a complete cache is reused without touching Go.
`KUBEBUILDER_ASSETS` (the envtest convention) points at prebuilt binaries instead.

    python -m pinniped.testing.binaries ensure
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
MODULE_DIR: Final = REPO_ROOT / "hack" / "k8sbin"

# binary name -> Go package, in build order (cheap first, so progress shows early).
PACKAGES: Final = {
    "etcd": "go.etcd.io/etcd/server/v3",
    "kubectl": "k8s.io/kubernetes/cmd/kubectl",
    "kube-apiserver": "k8s.io/kubernetes/cmd/kube-apiserver",
    "kube-controller-manager": "k8s.io/kubernetes/cmd/kube-controller-manager",
}
REQUIRED_FROM_ASSETS: Final = ("etcd", "kube-apiserver", "kubectl")
STAMP: Final = ".complete"

Progress = Callable[[str], None]


class BinariesError(RuntimeError):
    pass


@dataclass(frozen=True)
class Binaries:
    directory: Path
    kubernetes_version: str

    def path(self, name: str) -> Path:
        return self.directory / name

    @property
    def has_controller_manager(self) -> bool:
        return self.path("kube-controller-manager").exists()


def kubernetes_version(module_dir: Path = MODULE_DIR) -> str:
    match = re.search(r"^\s*k8s\.io/kubernetes (v\S+)", (module_dir / "go.mod").read_text(), re.M)
    if not match:
        raise BinariesError(f"no k8s.io/kubernetes requirement in {module_dir / 'go.mod'}")
    return match.group(1)


def cache_root() -> Path:
    base = os.environ.get("PINNIPED_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "pinniped"
    )
    return Path(base) / "k8s"


def _go_version(go: str) -> str:
    return subprocess.run([go, "env", "GOVERSION"], check=True, capture_output=True, text=True).stdout.strip()


def _module_digest(module_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in ("go.mod", "go.sum"):
        digest.update((module_dir / name).read_bytes())
    return digest.hexdigest()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _from_assets(assets: Path, version: str) -> Binaries:
    missing = [name for name in REQUIRED_FROM_ASSETS if not (assets / name).exists()]
    if missing:
        raise BinariesError(f"KUBEBUILDER_ASSETS={assets} lacks {', '.join(missing)}")
    return Binaries(assets, version)


def _cached(version: str, go_version: str | None) -> Path | None:
    """The newest complete cache for this k8s version (any Go version when Go is absent)."""
    root = cache_root()
    if go_version:
        candidate = root / f"{version}-{go_version}" / "bin"
        return candidate if (candidate / STAMP).exists() else None
    found = sorted(root.glob(f"{version}-*/bin/{STAMP}"))
    return found[-1].parent if found else None


def ensure(progress: Progress = _say, module_dir: Path = MODULE_DIR) -> Binaries:
    """Return usable binaries, building what is missing."""
    version = kubernetes_version(module_dir)
    assets = os.environ.get("KUBEBUILDER_ASSETS")
    if assets:
        progress(f"binaries: using KUBEBUILDER_ASSETS={assets}")
        return _from_assets(Path(assets), version)

    go = shutil.which("go")
    go_version = _go_version(go) if go else None
    cached = _cached(version, go_version)
    if cached and (cached / STAMP).read_text().strip() == _module_digest(module_dir):
        progress(f"binaries: reusing {cached}")
        return Binaries(cached, version)
    if not go or not go_version:
        raise BinariesError(
            "Go >= 1.26 is needed to build the Kubernetes binaries "
            "(or set KUBEBUILDER_ASSETS to a directory holding etcd, kube-apiserver and kubectl)"
        )
    target = cache_root() / f"{version}-{go_version}" / "bin"
    _build(go, version, module_dir, target, progress)
    return Binaries(target, version)


def _build(go: str, version: str, module_dir: Path, target: Path, progress: Progress) -> None:
    target.mkdir(parents=True, exist_ok=True)
    (target / STAMP).unlink(missing_ok=True)
    major, minor = version.removeprefix("v").split(".")[:2]
    stamp = "k8s.io/component-base/version"
    ldflags = (
        f"-s -w -X {stamp}.gitVersion={version} -X {stamp}.gitMajor={major} "
        f"-X {stamp}.gitMinor={minor} -X {stamp}.gitTreeState=clean"
    )
    env = {**os.environ, "CGO_ENABLED": "0", "GOTOOLCHAIN": "local", "GOFLAGS": "-trimpath"}
    started = time.monotonic()
    for index, (name, package) in enumerate(PACKAGES.items(), start=1):
        step = time.monotonic()
        progress(f"binaries: [{index}/{len(PACKAGES)}] building {name} (for Kubernetes {version}) ...")
        result = subprocess.run(
            [go, "build", "-ldflags", ldflags, "-o", str(target / name), package],
            cwd=module_dir,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BinariesError(f"go build {package} failed:\n{result.stderr[-4000:]}")
        progress(
            f"binaries: [{index}/{len(PACKAGES)}] built {name} in {time.monotonic() - step:.1f}s "
            f"(total {time.monotonic() - started:.1f}s)"
        )
    (target / STAMP).write_text(_module_digest(module_dir) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pinniped.testing.binaries")
    parser.add_argument("command", choices=["ensure", "path", "version"])
    args = parser.parse_args(argv)
    try:
        if args.command == "version":
            print(kubernetes_version())
            return 0
        binaries = ensure(progress=_say if args.command == "ensure" else lambda _: None)
    except (BinariesError, OSError, subprocess.CalledProcessError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(binaries.directory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
