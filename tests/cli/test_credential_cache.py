from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pinniped.api.execcredential import ExecCredentialStatus
from pinniped.cli.cache import CredentialCache, cache_key, go_json

NOW = datetime(2030, 1, 1, 12, 0, 0, tzinfo=UTC)


def status(expires: datetime) -> ExecCredentialStatus:
    return {
        "expirationTimestamp": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "clientCertificateData": "CERT",
        "clientKeyData": "KEY",
    }


def cache_at(path: Path, now: datetime = NOW, errors: list[str] | None = None) -> CredentialCache:
    return CredentialCache(str(path), now=lambda: now, on_error=(errors if errors is not None else []).append)


def test_put_then_get_returns_the_credential(tmp_path: Path) -> None:
    cache = cache_at(tmp_path / "c.yaml")
    cache.put("k", status(NOW + timedelta(minutes=5)))

    assert cache.get("k") == status(NOW + timedelta(minutes=5))
    assert cache.get("other") is None


def test_file_has_upstreams_shape(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    cache_at(path).put("k", status(NOW + timedelta(minutes=5)))

    assert json.loads(path.read_text()) == {
        "apiVersion": "config.supervisor.pinniped.dev/v1alpha1",
        "kind": "CredentialCache",
        "credentials": [
            {
                "key": "k",
                "creationTimestamp": "2030-01-01T12:00:00Z",
                "lastUsedTimestamp": "2030-01-01T12:00:00Z",
                "credential": status(NOW + timedelta(minutes=5)),
            }
        ],
    }


def test_get_updates_last_used(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    cache_at(path).put("k", status(NOW + timedelta(minutes=5)))

    cache_at(path, NOW + timedelta(minutes=2)).get("k")

    entry = json.loads(path.read_text())["credentials"][0]
    assert entry["lastUsedTimestamp"] == "2030-01-01T12:02:00Z"


def test_file_is_0600_in_a_0700_directory(tmp_path: Path) -> None:
    path = tmp_path / "new" / "c.yaml"
    cache_at(path).put("k", status(NOW + timedelta(minutes=5)))

    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(path.parent).st_mode & 0o777 == 0o700
    assert os.stat(f"{path}.lock").st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("later", "expires_in"),
    [
        (timedelta(minutes=6), timedelta(minutes=5)),  # expired
        (timedelta(seconds=55), timedelta(minutes=1)),  # expiring within the margin
        (timedelta(minutes=61), timedelta(hours=2)),  # created more than an hour ago
    ],
)
def test_stale_entries_are_dropped(tmp_path: Path, later: timedelta, expires_in: timedelta) -> None:
    path = tmp_path / "c.yaml"
    cache_at(path).put("k", status(NOW + expires_in))

    assert cache_at(path, NOW + later).get("k") is None
    assert json.loads(path.read_text())["credentials"] == []


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"apiVersion": "v1", "kind": "CredentialCache", "credentials": []}),
        json.dumps({"apiVersion": "config.supervisor.pinniped.dev/v1alpha1", "kind": "Other"}),
        json.dumps(["a list"]),
    ],
)
def test_unreadable_or_foreign_file_is_reset(tmp_path: Path, content: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(content)
    cache = cache_at(path)

    assert cache.get("k") is None
    cache.put("k", status(NOW + timedelta(minutes=5)))

    assert cache.get("k") is not None
    assert json.loads(path.read_text())["kind"] == "CredentialCache"


def test_malformed_entries_are_dropped_and_good_ones_kept(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    cache_at(path).put("good", status(NOW + timedelta(minutes=5)))
    document = json.loads(path.read_text())
    document["credentials"] += [
        {"key": 1},
        "junk",
        {"key": "x", "creationTimestamp": "nope", "credential": {}},
    ]
    path.write_text(json.dumps(document))

    assert cache_at(path).get("good") is not None
    assert [e["key"] for e in json.loads(path.read_text())["credentials"]] == ["good"]


def test_held_lock_times_out_without_failing(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    errors: list[str] = []
    clock = iter(range(0, 1000, 5))
    cache = CredentialCache(
        str(path),
        now=lambda: NOW,
        on_error=errors.append,
        sleep=lambda _s: None,
        monotonic=lambda: float(next(clock)),
    )
    with open(f"{path}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)

        cache.put("k", status(NOW + timedelta(minutes=5)))

    assert errors == ["credential cache unavailable: timed out waiting for the lock"]
    assert not path.exists()


def test_unwritable_location_is_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    errors: list[str] = []
    cache = cache_at(blocker / "c.yaml", errors=errors)

    cache.put("k", status(NOW + timedelta(minutes=5)))

    assert cache.get("k") is None
    assert len(errors) == 2


WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from pinniped.cli.cache import CredentialCache
now = datetime.now(UTC)
cache = CredentialCache(sys.argv[1], now=lambda: now, on_error=lambda m: sys.exit(m))
expires = (now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
for i in range(40):
    cache.put(f"{sys.argv[2]}-{i}", {"expirationTimestamp": expires, "token": "t"})
"""


def test_concurrent_writers_do_not_lose_entries_or_corrupt_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name]) for name in ("a", "b")]
    codes = [writer.wait(timeout=60) for writer in writers]

    assert codes == [0, 0]
    keys = {entry["key"] for entry in json.loads(path.read_text())["credentials"]}
    assert keys == {f"{name}-{i}" for name in ("a", "b") for i in range(40)}
    assert not list(tmp_path.glob("*.tmp"))


def test_go_json_matches_go_encoder_output() -> None:
    encoded = go_json({"args": ["<a&b>", "é"], "token": "x\u2028", "cluster": None})

    assert encoded == '{"args":["\\u003ca\\u0026b\\u003e","é"],"token":"x\\u2028","cluster":null}\n'


def test_cache_key_hashes_args_token_and_cluster_in_go_field_order() -> None:
    cluster = {
        "certificate-authority-data": "Q0E=",
        "server": "https://k:6443",
        "insecure-skip-tls-verify": False,
        "unknown": "dropped",
    }
    expected_json = (
        '{"args":["login","static"],"token":"t","cluster":'
        '{"server":"https://k:6443","certificate-authority-data":"Q0E=","config":null}}\n'
    )

    key = cache_key(["login", "static"], "t", cluster)

    assert key == hashlib.sha256(expected_json.encode()).hexdigest()
    assert (
        cache_key(["login", "static"], "t", None)
        == hashlib.sha256(b'{"args":["login","static"],"token":"t","cluster":null}\n').hexdigest()
    )
