from __future__ import annotations

import argparse
import base64
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml

from pinniped.cli.errors import CLIError
from pinniped.cli.parser import build_parser
from pinniped.cli.whoami import run_whoami
from tests.cli.cli_fakes import WHOAMI, write_kubeconfig
from tests.client.fake_https import FakeServer, Recorded, serve

CLIENT_CA = trustme.CA()


def who_answers(request: Recorded) -> tuple[int, dict[str, Any]]:
    if request.client_cn:
        username = request.client_cn
    elif request.headers.get("Authorization", "").startswith("Bearer "):
        username = "token:" + request.headers["Authorization"].removeprefix("Bearer ")
    else:
        return 401, {"kind": "Status", "message": "Unauthorized", "code": 401}
    return 201, {
        "kind": "WhoAmIRequest",
        "apiVersion": "identity.concierge.pinniped.dev/v1alpha1",
        "metadata": {},
        "spec": {},
        "status": {
            "kubernetesUserInfo": {"user": {"username": username, "groups": ["devs", "system:authenticated"]}}
        },
    }


@pytest.fixture
def cluster() -> Iterator[FakeServer]:
    with serve(trustme.CA(), client_ca=CLIENT_CA) as server:
        server.routes["POST", WHOAMI] = who_answers
        yield server


def whoami(kubeconfig: Path, *flags: str) -> str:
    args: argparse.Namespace = build_parser().parse_args(["whoami", f"--kubeconfig={kubeconfig}", *flags])
    stdout = io.StringIO()
    run_whoami(args, stdout)
    return stdout.getvalue()


def test_text_output_names_cluster_and_user(cluster: FakeServer, tmp_path: Path) -> None:
    kubeconfig = write_kubeconfig(tmp_path / "k.yaml", cluster, {"token": "abc"})

    assert whoami(kubeconfig) == (
        "Current cluster info:\n\n"
        "Name: kind-cluster\n"
        f"URL: {cluster.url}\n\n"
        "Current user info:\n\n"
        "Username: token:abc\n"
        "Groups: devs, system:authenticated\n"
    )
    [request] = cluster.requests
    assert request.body == {
        "apiVersion": "identity.concierge.pinniped.dev/v1alpha1",
        "kind": "WhoAmIRequest",
        "metadata": {},
        "spec": {},
    }


def test_json_and_yaml_print_the_whole_response(cluster: FakeServer, tmp_path: Path) -> None:
    kubeconfig = write_kubeconfig(tmp_path / "k.yaml", cluster, {"token": "abc"})

    as_json = json.loads(whoami(kubeconfig, "-o", "json"))
    as_yaml = yaml.safe_load(whoami(kubeconfig, "--output=yaml"))

    assert as_json == as_yaml
    assert as_json["status"]["kubernetesUserInfo"]["user"]["username"] == "token:abc"


def test_client_certificate_user(cluster: FakeServer, tmp_path: Path) -> None:
    issued = CLIENT_CA.issue_cert("pinny@example.com", common_name="pinny")
    user = {
        "client-certificate-data": base64.b64encode(issued.cert_chain_pems[0].bytes()).decode(),
        "client-key-data": base64.b64encode(issued.private_key_pem.bytes()).decode(),
    }
    kubeconfig = write_kubeconfig(tmp_path / "k.yaml", cluster, user)

    assert "Username: pinny\n" in whoami(kubeconfig)


def test_exec_plugin_user_runs_the_plugin_with_cluster_info(cluster: FakeServer, tmp_path: Path) -> None:
    script = tmp_path / "plugin.py"
    script.write_text(
        "import json, os\n"
        "info = json.loads(os.environ['KUBERNETES_EXEC_INFO'])\n"
        "server = info['spec']['cluster']['server']\n"
        "print(json.dumps({'kind': 'ExecCredential', 'apiVersion': info['apiVersion'],\n"
        "                  'status': {'token': os.environ['EXTRA'] + '@' + server}}))\n"
    )
    user = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1",
            "command": sys.executable,
            "args": [str(script)],
            "env": [{"name": "EXTRA", "value": "from-plugin"}],
            "provideClusterInfo": True,
        }
    }
    kubeconfig = write_kubeconfig(tmp_path / "k.yaml", cluster, user)

    assert f"Username: token:from-plugin@{cluster.url}\n" in whoami(kubeconfig)


def test_pinniped_login_static_as_the_exec_plugin(cluster: FakeServer, tmp_path: Path) -> None:
    user = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": sys.executable,
            "args": ["-m", "pinniped.cli", "login", "static", "--token=static-token"],
        }
    }
    kubeconfig = write_kubeconfig(tmp_path / "k.yaml", cluster, user)

    assert "Username: token:static-token\n" in whoami(kubeconfig)


def test_failing_exec_plugin_is_one_line_with_its_error(cluster: FakeServer, tmp_path: Path) -> None:
    user = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": sys.executable,
            "args": ["-m", "pinniped.cli", "login", "static"],
        }
    }
    kubeconfig = write_kubeconfig(tmp_path / "k.yaml", cluster, user)

    with pytest.raises(CLIError) as caught:
        whoami(kubeconfig)

    assert "exit status 1: Error: one of --token or --token-env must be set" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_whoami_api_is_a_clear_error(cluster: FakeServer, tmp_path: Path) -> None:
    del cluster.routes["POST", WHOAMI]
    kubeconfig = write_kubeconfig(tmp_path / "k.yaml", cluster, {"token": "abc"})

    with pytest.raises(CLIError, match=r"could not complete WhoAmIRequest .*status 404"):
        whoami(kubeconfig)
