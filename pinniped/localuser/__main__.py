"""local-user-authenticator [serve] | add-user NAME | remove-user NAME."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from pinniped import log
from pinniped.localuser.config import DEFAULT_PORT, NAMESPACE, ServeConfig
from pinniped.localuser.manage import UserSecretClient, add_user, read_password
from pinniped.localuser.manage import remove_user as remove_user_secret

COMMANDS = ("serve", "add-user", "remove-user")

Connect = Callable[[str | None], AbstractAsyncContextManager[UserSecretClient]]


def _connect(kubeconfig: str | None) -> AbstractAsyncContextManager[UserSecretClient]:
    from pinniped.kube import config as kube_config
    from pinniped.kube.client import KubeClient

    return KubeClient(kube_config.load(kubeconfig), user_agent="local-user-authenticator")


@dataclass(frozen=True)
class CliDeps:
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    prompt: Callable[[str], str] = getpass.getpass
    connect: Connect = _connect
    serve: Callable[[ServeConfig], None] | None = None


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="local-user-authenticator",
        description="A TokenReview webhook whose users are Secrets (serve is the default command).",
    )
    commands = top.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve POST /authenticate over TLS")
    _cluster_arguments(serve)
    serve.add_argument("--listen-address", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--tls-host", action="append", default=[], help="extra SAN for a new certificate")
    serve.add_argument("--tls-min-version", choices=("1.2", "1.3"), default="1.3")
    serve.add_argument("--log-format", choices=("text", "json"), default="text")
    add = commands.add_parser("add-user", help="create or update a user (password from stdin)")
    add.add_argument("name")
    add.add_argument("--groups", default="", help="comma-separated group names")
    _cluster_arguments(add)
    remove = commands.add_parser("remove-user", help="delete a user")
    remove.add_argument("name")
    _cluster_arguments(remove)
    return top


def _cluster_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--kubeconfig", default=None)
    command.add_argument("--namespace", default=NAMESPACE)


def main(argv: Sequence[str] | None = None, deps: CliDeps | None = None) -> int:
    deps = deps or CliDeps()
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in (*COMMANDS, "-h", "--help"):
        args.insert(0, "serve")
    options = parser().parse_args(args)
    if options.kubeconfig and not Path(options.kubeconfig).is_file():
        print(f"error: kubeconfig {options.kubeconfig} does not exist", file=deps.stderr)
        return 1
    try:
        if options.command == "serve":
            _serve(options, deps)
        elif options.command == "add-user":
            _add_user(options, deps)
        else:
            asyncio.run(_remove(options, deps))
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # one line, never a traceback
        print(f"error: {error}", file=deps.stderr)
        return 1
    return 0


def _serve(options: argparse.Namespace, deps: CliDeps) -> None:
    config = ServeConfig(
        kubeconfig=options.kubeconfig,
        namespace=options.namespace,
        listen_address=options.listen_address,
        port=options.port,
        tls_hosts=tuple(options.tls_host),
        tls_min_version=options.tls_min_version,
        log_format=options.log_format,
    )
    log.configure("info", config.log_format)
    if deps.serve is not None:
        deps.serve(config)
        return
    from pinniped.localuser.server import run

    run(config)


def _add_user(options: argparse.Namespace, deps: CliDeps) -> None:
    from pinniped.localuser.users import parse_groups

    groups = parse_groups(options.groups) if options.groups else ()
    password = read_password(deps.stdin, deps.prompt)

    async def apply() -> bool:
        async with deps.connect(options.kubeconfig) as client:
            return await add_user(client, options.namespace, options.name, groups=groups, password=password)

    existed = asyncio.run(apply())
    verb = "updated existing" if existed else "created"
    print(f"{verb} user {options.name} in namespace {options.namespace}", file=deps.stderr)


async def _remove(options: argparse.Namespace, deps: CliDeps) -> None:
    async with deps.connect(options.kubeconfig) as client:
        await remove_user_secret(client, options.namespace, options.name)
    print(f"removed user {options.name}", file=deps.stderr)


if __name__ == "__main__":
    sys.exit(main())
