"""client.authentication.k8s.io ExecCredential, in the versions kubectl speaks."""

from __future__ import annotations

from typing import Final, Literal, NotRequired, TypedDict

V1: Final = "client.authentication.k8s.io/v1"
V1BETA1: Final = "client.authentication.k8s.io/v1beta1"
SUPPORTED_VERSIONS: Final = (V1, V1BETA1)
KIND: Final = "ExecCredential"
EXEC_INFO_ENV: Final = "KUBERNETES_EXEC_INFO"


# The cluster kubectl describes when `provideClusterInfo: true`; its keys are kebab-case on the wire.
ExecCluster = TypedDict(
    "ExecCluster",
    {
        "server": str,
        "tls-server-name": str,
        "insecure-skip-tls-verify": bool,
        "certificate-authority-data": str,
        "proxy-url": str,
        "disable-compression": bool,
        "config": object,
    },
    total=False,
)


class ExecCredentialSpec(TypedDict, total=False):
    interactive: bool
    cluster: ExecCluster


class ExecCredentialStatus(TypedDict, total=False):
    expirationTimestamp: str | None
    token: str
    clientCertificateData: str
    clientKeyData: str


class ExecCredential(TypedDict):
    kind: Literal["ExecCredential"]
    apiVersion: str
    spec: ExecCredentialSpec
    status: NotRequired[ExecCredentialStatus]
