from __future__ import annotations

import base64
import sys
from pathlib import Path

import pytest
import trustme

# The loopback HTTPS fake lives beside the client library's tests.
sys.path.insert(0, str(Path(__file__).parent.parent / "client"))


@pytest.fixture(scope="session")
def ca_b64() -> str:
    return base64.b64encode(trustme.CA().cert_pem.bytes()).decode()
