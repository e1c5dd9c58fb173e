"""Quarterly plans and their decomposition, sale records and their import, scorecards and contests."""
