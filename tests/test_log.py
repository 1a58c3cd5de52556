"""Server logs: constant message plus key/value fields, text or JSON."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from pinniped import log


def _record(**fields: object) -> logging.LogRecord:
    record = logging.LogRecord("pinniped.test", logging.INFO, __file__, 1, "authenticated user", None, None)
    for key, value in fields.items():
        setattr(record, key, value)
    return record


def test_json_lines_carry_the_message_and_fields() -> None:
    line = log.JSONFormatter().format(_record(username="pinny", groups=["a"]))
    entry = json.loads(line)
    assert entry["message"] == "authenticated user"
    assert entry["username"] == "pinny"
    assert entry["groups"] == ["a"]
    assert entry["level"] == "info"


def test_text_lines_append_fields_as_key_value_pairs() -> None:
    line = log.TextFormatter().format(_record(username="pinny"))
    assert line.endswith('authenticated user username="pinny"')


def test_configure_installs_one_handler(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        log.configure("debug", "json")
        logging.getLogger("x").info("hello", extra={"k": 1})
        assert len(root.handlers) == 1
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    assert json.loads(capsys.readouterr().err.strip().splitlines()[-1])["k"] == 1


def test_aiohttp_server_errors_keep_the_type_and_frames_but_not_the_message() -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        log.configure("info", "json")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    token = "sekrit" + "-token"
    logger = logging.getLogger("aiohttp.server")
    record = logger.makeRecord(logger.name, logging.ERROR, __file__, 1, "Error handling request", (), None)
    try:
        raise ValueError(f"Invalid header value char: b'Authorization: Bearer {token}\\x01'")
    except ValueError:
        record.exc_info = sys.exc_info()
    assert logger.filter(record)
    line = log.JSONFormatter().format(record)
    assert token not in line
    assert json.loads(line)["errorType"] == "ValueError"
    assert "test_log.py" in json.loads(line)["stack"]
