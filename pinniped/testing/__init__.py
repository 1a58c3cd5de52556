"""Test support: binaries, cluster providers, and the provisioning contract. Never imported by runtime code."""
