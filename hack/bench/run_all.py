"""`nox -s bench`: every benchmark, one after another; each prints `BENCH <name> <ratio> ...` and
merges its numbers into bench-results.json at the repository root."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
SCRIPTS = ("bench_plugin.py", "bench_webhook.py", "bench_tcr.py")


def main() -> int:
    failed = []
    for script in SCRIPTS:
        print(f"== {script}", file=sys.stderr, flush=True)
        if subprocess.run([sys.executable, str(HERE / script), *sys.argv[1:2]]).returncode != 0:
            failed.append(script)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
