"""Token authenticators configured by CRDs, and the cache the request path reads them from."""
