"""Reading kubeconfig files (merged like kubectl, first definition wins) and picking a context."""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pinniped.cli.errors import CLIError


@dataclass(frozen=True)
class KubeconfigContext:
    """One context of a kubeconfig with its cluster and user stanzas resolved."""

    context_name: str
    cluster_name: str
    user_name: str
    cluster: Mapping[str, Any]
    user: Mapping[str, Any]
    cluster_dir: Path
    user_dir: Path

    @property
    def server(self) -> str:
        return str(self.cluster.get("server") or "")

    def ca_pem(self) -> bytes | None:
        """The cluster's CA: inline data, else the file it names, else None (system roots)."""
        return _inline_or_file(self.cluster, "certificate-authority", self.cluster_dir)

    def user_data(self, name: str) -> bytes | None:
        """A user credential given inline (`<name>-data`) or as a file (`<name>`)."""
        return _inline_or_file(self.user, name, self.user_dir)


def _inline_or_file(stanza: Mapping[str, Any], name: str, base_dir: Path) -> bytes | None:
    data = stanza.get(f"{name}-data")
    if data:
        try:
            return base64.b64decode(data, validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise CLIError(f"invalid kubeconfig: {name}-data is not valid base64") from None
    path = stanza.get(name)
    if path:
        try:
            return (base_dir / os.path.expanduser(str(path))).read_bytes()
        except OSError as err:
            raise CLIError(f"invalid kubeconfig: could not read {name}: {err}") from None
    return None


def kubeconfig_paths(flag: str, env: Mapping[str, str]) -> list[Path]:
    if flag:
        return [Path(flag)]
    if env.get("KUBECONFIG"):
        return [Path(part) for part in env["KUBECONFIG"].split(os.pathsep) if part]
    return [Path(env.get("HOME") or os.path.expanduser("~")) / ".kube" / "config"]


def load_context(flag: str, context: str, env: Mapping[str, str]) -> KubeconfigContext:
    """The named (or current) context; errors name the file or context that is missing."""
    import yaml

    paths = kubeconfig_paths(flag, env)
    documents: list[tuple[Path, dict[str, Any]]] = []
    for path in paths:
        try:
            loaded = yaml.safe_load(path.read_text())
        except FileNotFoundError:
            if flag:
                raise CLIError(f"could not load --kubeconfig: {path} does not exist") from None
            continue
        except (OSError, yaml.YAMLError, ValueError, RecursionError) as err:
            raise CLIError(f"could not load --kubeconfig {path}: {_yaml_problem(err)}") from None
        if isinstance(loaded, dict):
            documents.append((path, loaded))
    if not documents:
        raise CLIError("could not load --kubeconfig: no kubeconfig found")

    current = next((doc.get("current-context") for _p, doc in documents if doc.get("current-context")), "")
    name = context or current
    if not name:
        raise CLIError("could not load --kubeconfig/--kubeconfig-context: no current context is set")
    context_stanza, context_path = _named(documents, "contexts", "context", name)
    if context_stanza is None or context_path is None:
        raise CLIError(f'could not load --kubeconfig/--kubeconfig-context: no such context "{name}"')
    cluster_name = str(context_stanza.get("cluster") or "")
    user_name = str(context_stanza.get("user") or "")
    cluster, cluster_path = _named(documents, "clusters", "cluster", cluster_name)
    if cluster is None or cluster_path is None:
        raise CLIError(f'invalid kubeconfig: no such cluster "{cluster_name}"')
    user, user_path = _named(documents, "users", "user", user_name)
    return KubeconfigContext(
        context_name=name,
        cluster_name=cluster_name,
        user_name=user_name,
        cluster=cluster,
        user=user or {},
        cluster_dir=cluster_path.parent,
        user_dir=(user_path or cluster_path).parent,
    )


def _named(
    documents: list[tuple[Path, dict[str, Any]]], section: str, field: str, name: str
) -> tuple[dict[str, Any] | None, Path | None]:
    for path, document in documents:
        for item in document.get(section) or []:
            if isinstance(item, dict) and item.get("name") == name:
                stanza = item.get(field)
                return (stanza if isinstance(stanza, dict) else {}), path
    return None, None


def _yaml_problem(err: Exception) -> str:
    """One line, and never the quoted lines of the file (they may hold a token or a key)."""
    import yaml

    if isinstance(err, yaml.MarkedYAMLError):
        mark = err.problem_mark or err.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return f"invalid YAML{where}: {err.problem or err.context}"
    if isinstance(err, UnicodeDecodeError):
        return "the file is not UTF-8 text"
    if isinstance(err, RecursionError):
        return "invalid YAML: nested too deeply"
    return str(err).splitlines()[0] if str(err) else type(err).__name__
