"""Kubernetes manifests for the Concierge, rendered from Python as lists of plain dicts."""
