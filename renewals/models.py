"""Models of the renewals app (tenant-owned: subclass salesops.org.models.TenantOwnedModel)."""
