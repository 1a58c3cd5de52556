"""local-user-authenticator: a TokenReview webhook whose users are Secrets in its own namespace."""
