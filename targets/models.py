"""Models of the targets app (tenant-owned: subclass salesops.org.models.TenantOwnedModel)."""
