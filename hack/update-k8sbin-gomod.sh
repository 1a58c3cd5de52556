#!/usr/bin/env bash
# Regenerates hack/k8sbin/go.mod and go.sum for one pinned Kubernetes release.
#
# k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with
# relative paths, which only work inside its own repository. A wrapper module must
# replace each staging module with its published tag. The list is read from the
# go.mod the module proxy serves, so it is never maintained by hand.
set -euo pipefail

K8S_VERSION="${1:-v1.36.3}"
STAGING_VERSION="v0.${K8S_VERSION#v1.}"
HERE="$(cd "$(dirname "$0")" && pwd)"
MOD_DIR="$HERE/k8sbin"

export GOTOOLCHAIN=local GOFLAGS=-mod=mod

cd "$MOD_DIR"
rm -f go.mod go.sum
go mod init pinniped-py/hack/k8sbin >/dev/null 2>&1
go mod edit -go=1.26.0

upstream_gomod="$(go mod download -json "k8s.io/kubernetes@${K8S_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
staging=$(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$upstream_gomod")
for module in $staging; do
  go mod edit -replace="${module}=${module}@${STAGING_VERSION}"
done
echo "replaced $(echo "$staging" | wc -w) staging modules with ${STAGING_VERSION}"

go get -tool \
  "k8s.io/kubernetes/cmd/kube-apiserver@${K8S_VERSION}" \
  "k8s.io/kubernetes/cmd/kube-controller-manager@${K8S_VERSION}" \
  "k8s.io/kubernetes/cmd/kubectl@${K8S_VERSION}"
# etcd at the version the release's k8s.io/apiserver pins (MVS already selected it).
etcd_version="$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"
go get -tool "go.etcd.io/etcd/server/v3@${etcd_version}"
go mod tidy
echo "k8s ${K8S_VERSION}, etcd ${etcd_version}"
