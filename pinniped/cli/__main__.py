"""Entry point of the `pinniped` command: parse flags, run one subcommand, one-line errors."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from pinniped.cli.errors import CLIError
from pinniped.cli.parser import build_parser


def run(args: argparse.Namespace, argv: Sequence[str]) -> None:
    """Dispatch to a subcommand; only `login static` runs on kubectl's hot path, so the others
    import their (heavier) modules lazily."""
    if args.command == "login":
        from pinniped.cli.login import LoginDeps, StaticLoginParams, run_static_login

        params = StaticLoginParams(
            token=args.token,
            token_env=args.token_env,
            enable_concierge=args.enable_concierge,
            concierge_authenticator_type=args.concierge_authenticator_type,
            concierge_authenticator_name=args.concierge_authenticator_name,
            concierge_endpoint=args.concierge_endpoint,
            concierge_ca_bundle_data=args.concierge_ca_bundle_data,
            concierge_api_group_suffix=args.concierge_api_group_suffix,
            credential_cache=args.credential_cache,
        )
        run_static_login(params, LoginDeps(env=os.environ, argv=argv, stdout=sys.stdout))
    elif args.command == "get":
        from pinniped.cli.kubeconfig import run_get_kubeconfig

        run_get_kubeconfig(args)
    elif args.command == "whoami":
        from pinniped.cli.whoami import run_whoami

        run_whoami(args)
    else:
        from pinniped.cli.version import run_version

        run_version(args.output)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(arguments[0] if arguments else None)
        run(parser.parse_args(arguments), arguments)
    except CLIError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # a bug: still one line, and without the message, which may hold secrets
        print(f"Error: unexpected {type(err).__name__}; this is a bug in pinniped", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
