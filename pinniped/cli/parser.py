"""Command-line flags of every subcommand, named as upstream's CLI names them (argparse only)."""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn

from pinniped.cli.errors import CLIError

DEFAULT_INSTALL_HINT = (
    "The pinniped CLI does not appear to be installed.  See https://get.pinniped.dev/cli for more details"
)
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?)(ns|us|µs|ms|s|m|h)")
_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


class _HelpFormatter(argparse.HelpFormatter):
    """A fixed width: argparse builds a formatter per add_argument, and asking the terminal for
    its size each time is a measurable part of every kubectl call."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=100)


class ArgumentParser(argparse.ArgumentParser):
    """Usage errors become a CLIError (one line, exit 1) instead of argparse's exit 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise CLIError(message)


def go_bool(text: str) -> bool:
    """pflag's boolean values: --flag, --flag=true, --flag=false."""
    lowered = text.lower()
    if lowered in {"1", "t", "true"}:
        return True
    if lowered in {"0", "f", "false"}:
        return False
    raise argparse.ArgumentTypeError(f"invalid boolean {text!r}")


def go_duration(text: str) -> float:
    """A Go duration ("10m", "1m30s", "500ms", "0") in seconds."""
    if text == "0":
        return 0.0
    position, total = 0, 0.0
    for match in _DURATION_PART.finditer(text):
        if match.start() != position:
            break
        total += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        position = match.end()
    if position != len(text) or not text:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}")
    return total


def _flag(parser: argparse.ArgumentParser, *names: str, default: Any = "", **kw: Any) -> None:
    dest = names[-1].lstrip("-").replace("-", "_")
    parser.add_argument(*names, dest=dest, default=default, metavar="VALUE", **kw)


def _bool_flag(parser: argparse.ArgumentParser, name: str, help: str) -> None:
    dest = name.lstrip("-").replace("-", "_")
    parser.add_argument(name, dest=dest, nargs="?", const=True, default=False, type=go_bool, help=help)


def build_parser(command: str | None = None) -> ArgumentParser:
    """The full parser; with `command`, only that subcommand's flags are defined (faster start-up,
    which matters for `login`, run by kubectl on every call)."""
    root = ArgumentParser(prog="pinniped", description="pinniped CLI")
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text, add_flags in (
        ("login", "authenticate to a cluster", _login_flags),
        ("get", "get things", _get_flags),
        ("whoami", "print the current user", _whoami_flags),
        ("version", "print the version", _version_flags),
    ):
        parser = commands.add_parser(name, help=help_text)
        if command in (None, name):
            add_flags(parser)
    return root


def _login_flags(login: argparse.ArgumentParser) -> None:
    login_commands = login.add_subparsers(dest="login_command", required=True, metavar="COMMAND")
    static = login_commands.add_parser("static", help="log in with a static token (kubectl exec plugin)")
    _flag(static, "--token", help="static token to present during login")
    _flag(static, "--token-env", help="environment variable containing a static token")
    _bool_flag(static, "--enable-concierge", "exchange the token with the Pinniped Concierge")
    _flag(static, "--concierge-authenticator-type", help='"webhook" or "jwt"')
    _flag(static, "--concierge-authenticator-name", help="Concierge authenticator name")
    _flag(static, "--concierge-endpoint", help="API base for the Concierge endpoint (https)")
    _flag(static, "--concierge-ca-bundle-data", help="base64 PEM CA bundle for the Concierge")
    _flag(static, "--concierge-api-group-suffix", default="pinniped.dev", help="API group suffix")
    _flag(static, "--concierge-namespace", help=argparse.SUPPRESS)
    _flag(static, "--credential-cache", default=None, help='cache file path ("" disables)')


def _get_flags(get: argparse.ArgumentParser) -> None:
    get_commands = get.add_subparsers(dest="get_command", required=True, metavar="COMMAND")
    kubeconfig = get_commands.add_parser("kubeconfig", help="generate a Pinniped-based kubeconfig")
    _flag(kubeconfig, "--kubeconfig", help="path to the source kubeconfig")
    _flag(kubeconfig, "--kubeconfig-context", help="kubeconfig context to use")
    _flag(kubeconfig, "--static-token", help="static token to embed in the kubeconfig")
    _flag(kubeconfig, "--static-token-env", help="environment variable the plugin reads")
    _flag(kubeconfig, "--concierge-authenticator-type", help='"webhook" or "jwt"')
    _flag(kubeconfig, "--concierge-authenticator-name", help="Concierge authenticator name")
    _flag(kubeconfig, "--concierge-api-group-suffix", default="pinniped.dev", help="group suffix")
    _flag(kubeconfig, "--concierge-credential-issuer", help="CredentialIssuer name")
    _flag(kubeconfig, "--concierge-endpoint", help="Concierge endpoint (autodiscovered)")
    _flag(kubeconfig, "--concierge-ca-bundle", default=None, action="append", help="CA file path")
    _flag(kubeconfig, "--credential-cache", default=None, help="cache path for the plugin")
    _flag(kubeconfig, "--pinniped-cli-path", help="pinniped path written into the kubeconfig")
    _flag(kubeconfig, "--install-hint", default=DEFAULT_INSTALL_HINT, help="kubectl install hint")
    _flag(kubeconfig, "--generated-name-suffix", default="-pinniped", help="name suffix")
    _bool_flag(kubeconfig, "--skip-validation", "do not validate the generated kubeconfig")
    _bool_flag(kubeconfig, "--concierge-skip-wait", "do not wait for pending Concierge strategies")
    _flag(kubeconfig, "--timeout", default=600.0, type=go_duration, help="e.g. 30s, 10m")
    _flag(kubeconfig, "-o", "--output", help="output file path (default: stdout)")


def _whoami_flags(whoami: argparse.ArgumentParser) -> None:
    _flag(whoami, "--kubeconfig", help="path to the kubeconfig")
    _flag(whoami, "--kubeconfig-context", help="kubeconfig context to use")
    _flag(whoami, "--api-group-suffix", default="pinniped.dev", help="Concierge API group suffix")
    _flag(whoami, "--timeout", default=0.0, type=go_duration, help="0 means no timeout")
    _flag(whoami, "-o", "--output", default="text", choices=("text", "json", "yaml"), help="format")


def _version_flags(version: argparse.ArgumentParser) -> None:
    _flag(version, "-o", "--output", default="text", choices=("text", "json"), help="format")
