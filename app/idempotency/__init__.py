"""`Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header) on the create operations an integration may
retry: the first answer is kept, sealed, for a day; a retry with the same key and the same request gets it again
(`Idempotent-Replayed: true`) and creates nothing.

The kept answer is encrypted with a key derived from the caller's API key and the Idempotency-Key, neither of
which the database holds: some answers carry one-time secrets (invitation tokens, a new API key) that the database
must never be able to reproduce.
"""
