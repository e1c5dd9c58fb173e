"""Models of the activities app (tenant-owned: subclass salesops.org.models.TenantOwnedModel)."""
