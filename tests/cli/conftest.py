from __future__ import annotations

import base64

import pytest
import trustme


@pytest.fixture(scope="session")
def ca_b64() -> str:
    return base64.b64encode(trustme.CA().cert_pem.bytes()).decode()
