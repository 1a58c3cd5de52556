"""Client-certificate issuers: who signs the certificate a TokenCredentialRequest returns."""
