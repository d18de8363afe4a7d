"""Rate limits on the respondent's token endpoints, per client address, counted in the database so that every
worker process on every host shares one count (each worker adds its requests in batches: see tally).

Two counts per address and window: every token request (a generous limit: employees behind one corporate NAT share
an address, and a survey opening sends them all at once), and failed lookups, a well-formed token that is unknown or
already used (a strict limit: that is what guessing looks like). Past either, every token request from the address
gets 429 with `Retry-After` until the window ends, without looking the token up, so a guesser learns nothing more
once limited. The block lasts at most one window.
"""
