"""Renewal cases, follow-ups, assignment, service tickets and staffing."""
