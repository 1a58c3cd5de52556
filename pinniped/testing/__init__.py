"""Test support: binaries, cluster providers, the provisioning contract.

Never imported by runtime code (an import-linter contract says so).
"""
