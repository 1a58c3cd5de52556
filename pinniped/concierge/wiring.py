"""Builds every runtime collaborator of the Concierge process from its configuration."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pinniped.authenticators.cache import AuthenticatorCache
from pinniped.certs.dynamic import DynamicKeyPair
from pinniped.concierge import requestheader
from pinniped.concierge.app import ConciergeDeps
from pinniped.concierge.authorization import SubjectAccessReviewAuthorizer
from pinniped.concierge.config import ConciergeConfig
from pinniped.concierge.frontproxy import FrontProxyVerifier
from pinniped.concierge.requestheader import RequestHeaderSource
from pinniped.concierge.tls import TLS_VERSIONS, ServingTLS
from pinniped.controllers.base import Controller
from pinniped.controllers.concierge import ControllerSettings, build_controllers
from pinniped.controllers.credential_issuer import KubeAPIServerInfo, SignerHealth
from pinniped.controllers.serving_cert import ServingCertSettings
from pinniped.issuers.clustersigning import ClusterSigningIssuer, FileCASource, SecretCASource
from pinniped.issuers.csr import CSRIssuer
from pinniped.kube.client import KubeClient, resource_path
from pinniped.kube.config import KubeSettings
from pinniped.kube.informer import Informer


@dataclass
class Runtime:
    deps: ConciergeDeps
    tls: ServingTLS


def build_runtime(config: ConciergeConfig, kube: KubeClient, settings: KubeSettings) -> Runtime:
    serving = DynamicKeyPair()
    headers = RequestHeaderSource()
    headers_informer = Informer(kube, requestheader.COLLECTION_PATH)
    headers_informer.add_listener(headers.on_event)
    tls = ServingTLS(serving, headers, TLS_VERSIONS[config.tls_min_version])

    controllers: list[tuple[str, Controller]] = [("requestheader-informer", headers_informer)]
    issuer, issuer_controllers = _issuer(config, kube)
    controllers.extend(issuer_controllers)

    def signer_health() -> SignerHealth:
        health = issuer.health()
        return SignerHealth(health.ready, health.error, health.uses_csr_api)

    cache = AuthenticatorCache()
    background = build_controllers(
        kube,
        cache,
        serving,
        signer_health,
        ControllerSettings(
            serving=ServingCertSettings(namespace=config.namespace, service_name=config.serving_service_name),
            apiserver=KubeAPIServerInfo(settings.server, _read(settings.ca_file)),
            groups=config.groups,
            credential_issuer_name=config.credential_issuer_name,
            token_review_version=config.webhook_token_review_version,
        ),
    )
    controllers.extend(background)
    informers = [item for _, item in controllers if isinstance(item, Informer)]

    deps = ConciergeDeps(
        authenticators=cache,
        issuer=issuer,
        front_proxy=FrontProxyVerifier(lambda: headers.current),
        authorizer=SubjectAccessReviewAuthorizer(kube),
        readiness={
            "serving-certificate": lambda: serving.current is not None,
            "requestheader-configuration": lambda: headers.current is not None,
            "informers-synced": lambda: all(i.synced.is_set() for i in informers),
        },
        controllers=controllers,
    )
    return Runtime(deps=deps, tls=tls)


def _issuer(
    config: ConciergeConfig, kube: KubeClient
) -> tuple[ClusterSigningIssuer | CSRIssuer, list[tuple[str, Controller]]]:
    if config.signer == "csr":
        return CSRIssuer(kube), []
    if config.signing_cert_file is not None and config.signing_key_file is not None:
        source = FileCASource(config.signing_cert_file, config.signing_key_file)
        return ClusterSigningIssuer(source), []
    assert config.signing_secret is not None  # ConciergeConfig.validate() saw to it
    namespace, name = config.signing_secret
    informer = Informer(
        kube,
        resource_path("", "v1", "secrets", namespace) + f"?fieldSelector=metadata.name%3D{name}",
    )
    key = f"{namespace}/{name}"
    issuer = ClusterSigningIssuer(SecretCASource(lambda: informer.get(key), key))
    return issuer, [("signing-secret-informer", informer)]


def _read(path: str | None) -> bytes:
    return Path(path).read_bytes() if path else b""
