"""The serving-certificate Secret both servers keep, in upstream's format.

Three data keys: `caCertificate` (the self-made CA), `tlsPrivateKey`, `tlsCertificateChain` (the
serving certificate it signed). Clients read the CA from it for APIService `caBundle`s and
WebhookAuthenticator `certificateAuthorityData`.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pinniped.certs.authority import CertificateAuthority, Clock, utc_now

CA_KEY: Final = "caCertificate"
PRIVATE_KEY_KEY: Final = "tlsPrivateKey"
CHAIN_KEY: Final = "tlsCertificateChain"


@dataclass(frozen=True)
class ServingMaterial:
    ca_pem: bytes
    key_pem: bytes
    chain_pem: bytes


def new_serving_material(
    ca_common_name: str, hosts: Sequence[str], lifetime: datetime.timedelta, clock: Clock = utc_now
) -> ServingMaterial:
    """A fresh CA and a serving certificate for `hosts` that it signed."""
    authority = CertificateAuthority.create(ca_common_name, lifetime, clock)
    issued = authority.issue_serving_certificate(hosts, lifetime)
    return ServingMaterial(authority.cert_pem, issued.key_pem, issued.cert_pem)


def secret_data(material: ServingMaterial) -> dict[str, str]:
    """The Secret's `data` (base64, as the API stores it)."""
    return {
        CA_KEY: base64.b64encode(material.ca_pem).decode("ascii"),
        PRIVATE_KEY_KEY: base64.b64encode(material.key_pem).decode("ascii"),
        CHAIN_KEY: base64.b64encode(material.chain_pem).decode("ascii"),
    }


def material_from_data(data: Mapping[str, Any] | None) -> ServingMaterial:
    """Decode a Secret's `data`; ValueError naming the keys when one is missing or not base64."""
    values = data or {}
    try:
        decoded = [base64.b64decode(values[k], validate=True) for k in (CA_KEY, PRIVATE_KEY_KEY, CHAIN_KEY)]
    except (KeyError, TypeError, binascii.Error) as error:
        raise ValueError(f"the Secret lacks a valid {CA_KEY}, {PRIVATE_KEY_KEY} or {CHAIN_KEY}") from error
    return ServingMaterial(*decoded)
