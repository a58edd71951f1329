"""Users, roles and scopes, API tokens, the authorisation policy and the hash-chained audit log."""
