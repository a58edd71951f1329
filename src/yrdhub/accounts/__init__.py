"""Users, roles and scopes, API tokens, the authorisation policy and the hash-chained audit log."""

from yrdhub.accounts import errors as errors  # registers the module's codes
