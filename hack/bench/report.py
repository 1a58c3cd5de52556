"""Shared by the bench scripts: print one BENCH line and merge the result into bench-results.json."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Final

RESULTS_PATH: Final = Path(__file__).resolve().parents[2] / "bench-results.json"


def report(name: str, ratio: float, **details: float | int | str) -> None:
    """`BENCH <name> <ratio> k=v ...` on stdout; `{name: {"ratio": ratio, **details}}` merged
    into bench-results.json at the repository root (created when absent)."""
    results = _load(RESULTS_PATH)
    results[name] = {"ratio": ratio, **details}
    partial = RESULTS_PATH.with_name(RESULTS_PATH.name + ".tmp")
    partial.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    os.replace(partial, RESULTS_PATH)
    fields = " ".join(f"{key}={_format(value)}" for key, value in details.items())
    print(f"BENCH {name} {ratio:.4f} {fields}".rstrip(), flush=True)


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        results = json.loads(path.read_text())
    except ValueError as error:
        raise SystemExit(f"error: {path} is not valid JSON ({error}); not overwriting it") from None
    if not isinstance(results, dict):
        raise SystemExit(f"error: {path} does not hold a JSON object; not overwriting it")
    return results


def _format(value: float | int | str) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
