"""`pinniped-concierge` / `python -m pinniped.concierge`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from pinniped import log
from pinniped.concierge.config import ConfigError, parse_args


def main(argv: Sequence[str] | None = None) -> int:
    try:
        config = parse_args(argv)
    except ConfigError as error:
        print(f"pinniped-concierge: {error}", file=sys.stderr)
        return 2
    log.configure(config.log_level, config.log_format)
    from pinniped.concierge.server import run

    try:
        return run(config)
    except OSError as error:
        print(f"pinniped-concierge: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
