"""Regions (province, city, county), their official statistics, and the organisation registry."""
