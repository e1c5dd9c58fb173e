"""Rollup tables and their Celery jobs, alerts, Plotly figure builders and dashboard pages."""
