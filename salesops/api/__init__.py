"""Shared pieces of the REST API (API.md): permission, views, errors."""
