"""X.509: certificate authorities and the certificates they issue (server side only)."""
