"""Give tenants created before the renewals app their renewal rules and lost reasons."""

from django.db import migrations

from renewals.services.setup import DEFAULT_LOST_REASONS


def seed(apps, schema_editor):
    Tenant = apps.get_model("org", "Tenant")
    RenewalPolicy = apps.get_model("renewals", "RenewalPolicy")
    LostReason = apps.get_model("renewals", "LostReason")
    for tenant in Tenant.objects.all():
        RenewalPolicy.objects.get_or_create(tenant=tenant)
        have = set(LostReason.objects.filter(tenant=tenant).values_list("code", flat=True))
        LostReason.objects.bulk_create(
            LostReason(tenant=tenant, code=code, name=name) for code, name in DEFAULT_LOST_REASONS if code not in have
        )


class Migration(migrations.Migration):
    dependencies = [("renewals", "0001_initial"), ("org", "0004_tenant_low_activity_days_tenant_low_production_weeks")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
