"""Outputs: S&T reports (科技报告) with openness levels, embargoes and a lifecycle; achievements (科技成果); usage."""

from yrdhub.outputs import errors as errors  # registers the codes
