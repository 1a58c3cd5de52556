"""`pinniped version`."""

from __future__ import annotations

import json
import platform
import sys

import pinniped


def version_info() -> dict[str, str]:
    return {
        "gitVersion": f"v{pinniped.__version__}",
        "implementation": "pinniped-py",
        "pythonVersion": platform.python_version(),
        "platform": f"{sys.platform}/{platform.machine()}",
    }


def run_version(output: str) -> None:
    info = version_info()
    if output == "json":
        print(json.dumps(info, indent=2))
    else:
        name, version = info["implementation"], info["gitVersion"]
        print(f"{name} {version} ({info['platform']}, python {info['pythonVersion']})")
