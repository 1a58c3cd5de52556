"""The Concierge's settings: command-line flags, optionally on top of a YAML config file."""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from pinniped.api.config import DEFAULT_NAME as DEFAULT_CREDENTIAL_ISSUER
from pinniped.api.groups import DEFAULT_API_GROUP_SUFFIX, ConciergeGroups
from pinniped.authenticators.webhook import TokenReviewVersion

Signer = Literal["cluster-signing", "csr"]
TLSVersion = Literal["1.2", "1.3"]
LogFormat = Literal["text", "json"]

DEFAULT_PORT: Final = 10250
DEFAULT_NAMESPACE: Final = "pinniped-concierge"
DEFAULT_SERVICE: Final = "pinniped-concierge-api"
DEFAULT_MAX_BODY_BYTES: Final = 1024 * 1024


class ConfigError(ValueError):
    """The configuration is unusable; the message is one line for the operator."""


@dataclass(frozen=True)
class ConciergeConfig:
    kubeconfig: str | None = None
    listen_address: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    namespace: str = DEFAULT_NAMESPACE
    api_group_suffix: str = DEFAULT_API_GROUP_SUFFIX
    signer: Signer = "cluster-signing"
    signing_cert_file: Path | None = None
    signing_key_file: Path | None = None
    signing_secret: tuple[str, str] | None = None
    client_cert_ttl: datetime.timedelta = datetime.timedelta(minutes=5)
    serving_service_name: str = DEFAULT_SERVICE
    credential_issuer_name: str = DEFAULT_CREDENTIAL_ISSUER
    tls_min_version: TLSVersion = "1.3"
    webhook_token_review_version: TokenReviewVersion = "v1beta1"
    """What WebhookAuthenticators speak to their webhooks: upstream's v1beta1, or v1."""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    log_format: LogFormat = "text"
    log_level: str = "info"

    @property
    def groups(self) -> ConciergeGroups:
        return ConciergeGroups(self.api_group_suffix)

    def validate(self) -> ConciergeConfig:
        if self.webhook_token_review_version not in ("v1beta1", "v1"):
            raise ConfigError("--webhook-token-review-version must be v1beta1 or v1")
        if self.signer == "cluster-signing":
            files = (self.signing_cert_file, self.signing_key_file)
            if (files[0] is None) != (files[1] is None):
                raise ConfigError("--signing-cert-file and --signing-key-file go together")
            if files[0] is None and self.signing_secret is None:
                raise ConfigError(
                    "--signer cluster-signing needs --signing-cert-file/--signing-key-file "
                    "or --signing-secret"
                )
        if self.client_cert_ttl <= datetime.timedelta(0):
            raise ConfigError("--client-cert-ttl must be positive")
        if not 0 < self.port < 65536:
            raise ConfigError("--port must be between 1 and 65535")
        return self


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="pinniped-concierge",
        description="Pinniped Concierge: exchange external credentials for cluster certificates.",
    )
    p.add_argument("--config", type=Path, help="YAML file with any of these settings (flag names)")
    p.add_argument("--kubeconfig")
    p.add_argument("--listen-address")
    p.add_argument("--port", type=int)
    p.add_argument("--namespace")
    p.add_argument("--api-group-suffix")
    p.add_argument("--signer", choices=["cluster-signing", "csr"])
    p.add_argument("--signing-cert-file", type=Path)
    p.add_argument("--signing-key-file", type=Path)
    p.add_argument("--signing-secret", help="namespace/name of a kubernetes.io/tls Secret")
    p.add_argument("--client-cert-ttl", help="seconds, or e.g. 5m")
    p.add_argument("--serving-service-name")
    p.add_argument("--credential-issuer-name")
    p.add_argument("--tls-min-version", choices=["1.2", "1.3"])
    p.add_argument("--webhook-token-review-version", choices=["v1beta1", "v1"])
    p.add_argument("--max-body-bytes", type=int)
    p.add_argument("--log-format", choices=["text", "json"])
    p.add_argument("--log-level", choices=["debug", "info", "warning", "error"])
    return p


def parse_args(argv: Sequence[str] | None = None) -> ConciergeConfig:
    """Flags override the config file; ConfigError (one line) when the result is unusable."""
    namespace = _parser().parse_args(argv)
    values: dict[str, Any] = {}
    if namespace.config is not None:
        values.update(_read_file(namespace.config))
    for key, value in vars(namespace).items():
        if key != "config" and value is not None:
            values[key] = value
    return from_mapping(values)


def from_mapping(values: dict[str, Any]) -> ConciergeConfig:
    known = set(ConciergeConfig.__dataclass_fields__)
    settings: dict[str, Any] = {}
    for raw_key, value in values.items():
        key = raw_key.replace("-", "_")
        if key not in known:
            raise ConfigError(f"unknown setting {raw_key!r}")
        settings[key] = value
    try:
        if "client_cert_ttl" in settings:
            settings["client_cert_ttl"] = parse_duration(settings["client_cert_ttl"])
        if isinstance(settings.get("signing_secret"), str):
            settings["signing_secret"] = _namespaced_name(settings["signing_secret"])
        for path_key in ("signing_cert_file", "signing_key_file"):
            if settings.get(path_key) is not None:
                settings[path_key] = Path(settings[path_key])
        if "port" in settings:
            settings["port"] = int(settings["port"])
    except (TypeError, ValueError) as error:
        raise ConfigError(str(error)) from None
    return ConciergeConfig(**settings).validate()


def parse_duration(value: object) -> datetime.timedelta:
    if isinstance(value, datetime.timedelta):
        return value
    text = str(value).strip()
    units = {"s": 1, "m": 60, "h": 3600}
    try:
        if text and text[-1] in units:
            return datetime.timedelta(seconds=float(text[:-1]) * units[text[-1]])
        return datetime.timedelta(seconds=float(text))
    except ValueError:
        raise ValueError(f"not a duration: {text!r} (use seconds, or e.g. 5m)") from None


def _namespaced_name(value: str) -> tuple[str, str]:
    namespace, _, name = value.partition("/")
    if not namespace or not name or "/" in name:
        raise ValueError(f"--signing-secret must be namespace/name, not {value!r}")
    return namespace, name


def _read_file(path: Path) -> dict[str, Any]:
    import yaml

    try:
        loaded = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"cannot read config file {path}: {error}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"config file {path} must be a YAML mapping")
    return loaded
