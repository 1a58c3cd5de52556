"""Wire shapes shared by the CLI, the client library and the servers (standard library only)."""
