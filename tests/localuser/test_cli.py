"""The console script: serve by default, add-user reads the password from stdin, one-line errors."""

from __future__ import annotations

import base64
import io
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import bcrypt
import pytest

from pinniped.kube.errors import ApiError
from pinniped.localuser.__main__ import CliDeps, main
from pinniped.localuser.config import ServeConfig
from pinniped.localuser.manage import ManageError, UserSecretClient, read_password

from .fakes import FakeKube

NS = "local-user-authenticator"


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


class Harness:
    def __init__(self, stdin: str = "") -> None:
        self.kube = FakeKube()
        self.stdin = io.StringIO(stdin)
        self.stderr = io.StringIO()
        self.kubeconfigs: list[str | None] = []
        self.served: list[ServeConfig] = []

    def connect(self, kubeconfig: str | None) -> AbstractAsyncContextManager[UserSecretClient]:
        self.kubeconfigs.append(kubeconfig)
        return self.kube

    def deps(self) -> CliDeps:
        return CliDeps(
            stdin=self.stdin,
            stderr=self.stderr,
            prompt=lambda _: pytest.fail("must not prompt when stdin is not a terminal"),
            connect=self.connect,
            serve=self.served.append,
        )

    def secret(self, name: str) -> dict[str, str]:
        data: dict[str, str] = self.kube.objects[f"/api/v1/namespaces/{NS}/secrets/{name}"]["data"]
        return {k: base64.b64decode(v).decode() for k, v in data.items()}


def test_serve_is_the_default_command() -> None:
    harness = Harness()
    assert main(["--port", "9443", "--tls-host", "localhost", "--tls-host", "127.0.0.1"], harness.deps()) == 0
    assert harness.served == [ServeConfig(port=9443, tls_hosts=("localhost", "127.0.0.1"))]


def test_serve_options() -> None:
    harness = Harness()
    argv = ["serve", "--namespace", "ns", "--listen-address", "::1", "--tls-min-version", "1.2"]
    assert main([*argv, "--log-format", "json"], harness.deps()) == 0
    (config,) = harness.served
    assert (config.namespace, config.listen_address, config.tls_min_version) == (
        "ns",
        "::1",
        "1.2",
    )
    assert config.log_format == "json"


def test_add_user_reads_the_password_from_stdin(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text("{}")
    harness = Harness(stdin="s3cret:pw\nignored second line\n")

    code = main(["add-user", "ryan", "--groups", "a, b", "--kubeconfig", str(kubeconfig)], harness.deps())

    assert code == 0
    assert harness.kubeconfigs == [str(kubeconfig)]
    secret = harness.secret("ryan")
    assert secret["groups"] == "a,b"
    assert secret["passwordHash"].startswith("$2b$10$")
    assert bcrypt.checkpw(b"s3cret:pw", secret["passwordHash"].encode())
    assert harness.stderr.getvalue() == f"created user ryan in namespace {NS}\n"
    assert "s3cret" not in harness.stderr.getvalue()


def test_add_user_on_an_existing_user_updates_it_and_says_so() -> None:
    harness = Harness(stdin="first\n")
    assert main(["add-user", "ryan", "--groups", "a"], harness.deps()) == 0
    harness.stdin = io.StringIO("second\n")
    harness.stderr = io.StringIO()

    assert main(["add-user", "ryan"], harness.deps()) == 0

    secret = harness.secret("ryan")
    assert "groups" not in secret
    assert bcrypt.checkpw(b"second", secret["passwordHash"].encode())
    assert "updated existing user ryan" in harness.stderr.getvalue()


def test_password_comes_from_a_prompt_on_a_terminal() -> None:
    prompts: list[str] = []

    def prompt(text: str) -> str:
        prompts.append(text)
        return "typed"

    assert read_password(TTY("not read\n"), prompt) == "typed"
    assert prompts == ["Password: "]


@pytest.mark.parametrize("stdin", ["", "\n"])
def test_empty_password_is_refused(stdin: str) -> None:
    with pytest.raises(ManageError, match="no password"):
        read_password(io.StringIO(stdin), input)


@pytest.mark.parametrize(
    "argv",
    [
        ["add-user", "Not_Valid"],
        ["add-user", "has:colon"],
        ["add-user", "local-user-authenticator-tls-serving-certificate"],
        ["remove-user", "nobody"],
        ["add-user", "ryan", "--kubeconfig", "/does/not/exist"],
    ],
)
def test_errors_are_one_line_and_exit_1(argv: list[str]) -> None:
    harness = Harness(stdin="pw\n")
    assert main(argv, harness.deps()) == 1
    lines = harness.stderr.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")


def test_api_error_is_one_line() -> None:
    harness = Harness(stdin="pw\n")
    harness.kube.fail_with = ApiError(404, "NotFound", 'namespaces "local-user-authenticator" not found')
    assert main(["add-user", "ryan"], harness.deps()) == 1
    assert harness.stderr.getvalue() == (
        'error: cannot create user ryan: 404 NotFound: namespaces "local-user-authenticator" not found\n'
    )


def test_remove_user_deletes_the_secret() -> None:
    harness = Harness(stdin="pw\n")
    assert main(["add-user", "ryan"], harness.deps()) == 0
    assert main(["remove-user", "ryan"], harness.deps()) == 0
    assert harness.kube.objects == {}
    assert harness.stderr.getvalue().splitlines()[-1] == "removed user ryan"
