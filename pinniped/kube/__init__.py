"""The one package that talks to the Kubernetes API (servers and test harness; never the CLI)."""
