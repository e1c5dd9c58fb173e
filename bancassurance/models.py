"""Models of the bancassurance app (tenant-owned: subclass salesops.org.models.TenantOwnedModel)."""
