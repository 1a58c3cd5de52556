"""The Concierge: the TokenCredentialRequest API as a Kubernetes aggregated API server."""
