"""client.authentication.k8s.io ExecCredential, in the versions kubectl speaks."""

from __future__ import annotations

from typing import Final, Literal, NotRequired, TypedDict

V1: Final = "client.authentication.k8s.io/v1"
V1BETA1: Final = "client.authentication.k8s.io/v1beta1"
SUPPORTED_VERSIONS: Final = (V1, V1BETA1)
KIND: Final = "ExecCredential"
EXEC_INFO_ENV: Final = "KUBERNETES_EXEC_INFO"


class ExecCluster(TypedDict, total=False):
    server: str
    tls_server_name: str
    insecure_skip_tls_verify: bool
    certificate_authority_data: str
    proxy_url: str
    disable_compression: bool
    config: object


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
