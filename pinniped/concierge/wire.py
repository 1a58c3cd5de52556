"""Response objects exactly as upstream's aggregated API server serializes them."""

from __future__ import annotations

import datetime
from typing import Any

from pinniped.api import login
from pinniped.api.login import ClusterCredential, TokenCredentialRequest
from pinniped.certs.authority import IssuedCertificate


def rfc3339(moment: datetime.datetime) -> str:
    """metav1.Time: UTC, second precision, 'Z'."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _tcr(api_version: str) -> TokenCredentialRequest:
    # spec.authenticator has no omitempty upstream, so an empty reference is always written.
    return {
        "kind": "TokenCredentialRequest",
        "apiVersion": api_version,
        "metadata": {"creationTimestamp": None},
        "spec": {"authenticator": {"apiGroup": None, "kind": "", "name": ""}},
    }


def authentication_failed(api_version: str) -> TokenCredentialRequest:
    response = _tcr(api_version)
    response["status"] = {"message": login.AUTHENTICATION_FAILED}
    return response


def credential_issued(api_version: str, certificate: IssuedCertificate) -> TokenCredentialRequest:
    credential: ClusterCredential = {
        "expirationTimestamp": rfc3339(certificate.not_after),
        "clientCertificateData": certificate.cert_pem.decode(),
        "clientKeyData": certificate.key_pem.decode(),
    }
    response = _tcr(api_version)
    response["status"] = {"credential": credential}
    return response


def empty_list(api_version: str, kind: str) -> dict[str, Any]:
    return {
        "kind": f"{kind}List",
        "apiVersion": api_version,
        "metadata": {"resourceVersion": "0"},
        "items": [],
    }
