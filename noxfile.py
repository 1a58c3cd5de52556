"""Sessions: `nox` runs lint, typecheck, unit, integration, e2e and conformance. See README.md."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "unit", "integration", "e2e", "conformance"]
nox.options.reuse_existing_virtualenvs = True

PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHON = "3.11"


def _install(session: nox.Session, *groups: str) -> None:
    session.install("-e", ".")
    for group in groups:
        session.install(*nox.project.dependency_groups(PYPROJECT, group))


def _ensure_binaries(session: nox.Session) -> None:
    """Build (first time) or reuse the Kubernetes binaries, showing one line per step."""
    session.run("python", "-m", "pinniped.testing.binaries", "ensure")


def _pytest(session: nox.Session, *paths: str) -> None:
    session.run("pytest", *paths, *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    _install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    _install(session, "typecheck")
    session.run("mypy")


@nox.session(python=PYTHON)
def unit(session: nox.Session) -> None:
    _install(session, "test")
    _pytest(session, "tests")


@nox.session(python=PYTHON)
def integration(session: nox.Session) -> None:
    _install(session, "test")
    _ensure_binaries(session)
    _pytest(session, "integration")


@nox.session(python=PYTHON)
def e2e(session: nox.Session) -> None:
    _install(session, "test")
    _ensure_binaries(session)
    _pytest(session, "e2e")


@nox.session(python=PYTHON)
def conformance(session: nox.Session) -> None:
    """The suites against our implementation seen from outside: the `existing` provider and the
    PINNIPED_TEST_* contract only, as they would run against upstream Pinniped."""
    _install(session, "test")
    _ensure_binaries(session)
    session.run(
        "python",
        "-m",
        "pinniped.testing.provision",
        "--",
        "pytest",
        "integration",
        "e2e",
        *session.posargs,
        interrupt_timeout=30,
    )


@nox.session(python=PYTHON, default=False)
def cluster(session: nox.Session) -> None:
    """A local cluster for a human: prints the kubeconfig, stays up until Ctrl-C."""
    _install(session)
    _ensure_binaries(session)
    # Ctrl-C: give the harness time to stop every process group before nox kills it.
    session.run("python", "-m", "pinniped.testing.clusters", "up", *session.posargs, interrupt_timeout=30)


@nox.session(python=PYTHON, default=False)
def demo(session: nox.Session) -> None:
    """The main job in one command: cluster, concierge, a user, kubectl through the plugin."""
    _install(session)
    _ensure_binaries(session)
    session.run("python", "-m", "pinniped.testing.demo", *session.posargs, interrupt_timeout=30)


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks; each prints `BENCH <name> <ratio> ...` and lands in bench-results.json."""
    _install(session, "test")
    _ensure_binaries(session)
    session.run("python", "hack/bench/run_all.py", *session.posargs)
