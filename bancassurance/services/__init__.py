"""Writes of the bancassurance app; ``bank_create`` and ``bank_branch_create`` are what other apps use."""

from bancassurance.services.branches import bank_branch_create, bank_create

__all__ = ["bank_branch_create", "bank_create"]
