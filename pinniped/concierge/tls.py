"""The serving TLS context, rebuilt when the serving certificate or the front-proxy CA changes.

Python cannot swap the context of a listening socket, so the listening context has an SNI
callback that hands every new connection the current context. Client certificates are requested
(not required) and verified against the requestheader CA; the front-proxy verifier re-checks them.
"""

from __future__ import annotations

import datetime
import logging
import ssl
from typing import Final

from pinniped.certs.authority import CertificateAuthority
from pinniped.certs.dynamic import DynamicKeyPair, KeyPair
from pinniped.certs.pem_files import load_cert_chain_pem
from pinniped.concierge.requestheader import RequestHeaderConfig, RequestHeaderSource

log = logging.getLogger(__name__)

TLS_VERSIONS: Final = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


def build_context(pair: KeyPair, client_ca_pem: bytes | None, minimum: ssl.TLSVersion) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = minimum
    context.set_alpn_protocols(["http/1.1"])
    _load_key_pair(context, pair)
    # The verify mode of a connection comes from the listening context and survives the SNI
    # swap, so every context asks for a client certificate; the CA store comes from the swap.
    context.verify_mode = ssl.CERT_OPTIONAL
    if client_ca_pem:
        context.load_verify_locations(cadata=client_ca_pem.decode())
    return context


def _load_key_pair(context: ssl.SSLContext, pair: KeyPair) -> None:
    load_cert_chain_pem(context, pair.cert_pem, pair.key_pem)


def bootstrap_key_pair(hosts: list[str]) -> KeyPair:
    """A throwaway self-signed pair so TLS works before the real serving certificate exists."""
    authority = CertificateAuthority.create("pinniped-concierge bootstrap", ttl=datetime.timedelta(days=1))
    issued = authority.issue_serving_certificate(hosts, ttl=datetime.timedelta(days=1))
    return KeyPair(cert_pem=issued.cert_pem, key_pem=issued.key_pem)


class ServingTLS:
    def __init__(
        self,
        serving: DynamicKeyPair,
        requestheader: RequestHeaderSource,
        minimum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3,
        bootstrap_hosts: tuple[str, ...] = ("127.0.0.1", "localhost"),
    ) -> None:
        self._serving = serving
        self._requestheader = requestheader
        self._minimum = minimum
        self._bootstrap = bootstrap_key_pair(list(bootstrap_hosts))
        self.current = self._build()
        self.listening_context = self._build()
        self.listening_context.sni_callback = self._choose_context
        serving.add_listener(lambda _pair: self.rebuild())
        requestheader.add_listener(lambda _config: self.rebuild())

    @property
    def has_serving_certificate(self) -> bool:
        return self._serving.current is not None

    def rebuild(self) -> None:
        try:
            self.current = self._build()
        except (ssl.SSLError, ValueError, OSError) as error:
            log.error("could not build the serving TLS context", extra={"error": str(error)})
            return
        log.info("serving TLS context updated")

    def _build(self) -> ssl.SSLContext:
        pair = self._serving.current or self._bootstrap
        config: RequestHeaderConfig | None = self._requestheader.current
        return build_context(pair, config.client_ca_pem if config else None, self._minimum)

    def _choose_context(
        self, ssl_object: ssl.SSLObject, server_name: str | None, context: ssl.SSLContext
    ) -> None:
        ssl_object.context = self.current
