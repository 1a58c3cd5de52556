"""Cluster providers: `local` (processes on loopback), `kind` (Docker), `existing` (a kubeconfig)."""
