"""Outputs: S&T reports (科技报告) with openness levels and embargoes, achievements (科技成果), usage."""
