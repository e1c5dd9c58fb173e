"""Models of the dashboards app (tenant-owned: subclass salesops.org.models.TenantOwnedModel)."""
