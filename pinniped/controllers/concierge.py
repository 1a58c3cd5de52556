"""The Concierge's controllers and the informers they read, wired from explicit collaborators.

The composition root starts every returned item as a task (each `run()` works until cancelled):
(name, runnable) pairs; the informers fill their stores, the controllers wait for `synced` and then work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pinniped.api import config as config_api
from pinniped.api.groups import CREDENTIAL_ISSUERS, VERSION, WEBHOOK_AUTHENTICATORS, ConciergeGroups
from pinniped.authenticators.cache import AuthenticatorCache
from pinniped.authenticators.webhook import TokenReviewVersion
from pinniped.certs.dynamic import DynamicKeyPair
from pinniped.controllers.apiservice_updater import APIServiceUpdater, concierge_apiservice_names
from pinniped.controllers.base import Clock, Controller, utc_now
from pinniped.controllers.credential_issuer import (
    CredentialIssuerController,
    KubeAPIServerInfo,
    SignerHealth,
)
from pinniped.controllers.serving_cert import ServingCertController, ServingCertSettings
from pinniped.controllers.webhook_authenticator import WebhookAuthenticatorController
from pinniped.controllers.webhook_validation import factory_for
from pinniped.kube.client import KubeClient, resource_path
from pinniped.kube.informer import Informer


@dataclass(frozen=True)
class ControllerSettings:
    serving: ServingCertSettings
    apiserver: KubeAPIServerInfo
    groups: ConciergeGroups = field(default_factory=ConciergeGroups)
    credential_issuer_name: str = config_api.DEFAULT_NAME
    token_review_version: TokenReviewVersion = "v1beta1"
    labels: dict[str, str] = field(default_factory=dict)


def build_controllers(
    client: KubeClient,
    cache: AuthenticatorCache,
    key_pair: DynamicKeyPair,
    signer_health: Callable[[], SignerHealth],
    settings: ControllerSettings,
    *,
    clock: Clock = utc_now,
) -> list[tuple[str, Controller]]:
    groups = settings.groups
    serving = settings.serving
    webhooks = Informer(client, resource_path(groups.authentication, VERSION, WEBHOOK_AUTHENTICATORS))
    issuers = Informer(client, resource_path(groups.config, VERSION, CREDENTIAL_ISSUERS))
    secrets = Informer(client, resource_path("", "v1", "secrets", serving.namespace))
    return [
        ("informer:webhookauthenticators", webhooks),
        ("informer:credentialissuers", issuers),
        ("informer:secrets", secrets),
        (
            "webhookauthenticator",
            WebhookAuthenticatorController(
                client,
                webhooks,
                cache,
                groups=groups,
                clock=clock,
                make_authenticator=factory_for(settings.token_review_version),
            ),
        ),
        (
            "credentialissuer",
            CredentialIssuerController(
                client,
                issuers,
                signer_health,
                settings.apiserver,
                name=settings.credential_issuer_name,
                groups=groups,
                clock=clock,
                labels=settings.labels,
            ),
        ),
        ("servingcert", ServingCertController(client, secrets, key_pair, serving, clock=clock)),
        (
            "apiservice-updater",
            APIServiceUpdater(
                client,
                secrets,
                serving.namespace,
                serving.secret_name,
                concierge_apiservice_names(groups),
            ),
        ),
    ]
