"""Programmes: one S&T programme-management platform for four jurisdictions, with jointly funded projects."""

from yrdhub.programmes import errors as errors  # registers the codes
