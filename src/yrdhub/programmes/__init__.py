"""Programmes: one S&T programme-management platform for four jurisdictions, with jointly funded projects."""
