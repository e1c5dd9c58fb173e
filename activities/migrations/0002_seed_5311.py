"""Give every existing tenant the 5311 standard for each tier (new tenants get it from tenant_create)."""

import datetime

from django.db import migrations

# A copy of activities.services.standards.DEFAULT_STANDARD as it was when this
# migration was written: a migration must not change when the service does.
STANDARD = {
    "phone_appointments": 5,
    "sales_interviews": 3,
    "recruiting_interviews": 1,
    "new_prospects": 1,
    "referrals": None,
}
EFFECTIVE_FROM = datetime.date(2000, 1, 1)
TIERS = ("top", "middle", "bottom")


def seed_5311(apps, schema_editor):
    Tenant = apps.get_model("org", "Tenant")
    ActivityStandard = apps.get_model("activities", "ActivityStandard")
    ActivityStandard.objects.bulk_create(
        [
            ActivityStandard(tenant_id=tenant_id, tier=tier, effective_from=EFFECTIVE_FROM, **STANDARD)
            for tenant_id in Tenant.objects.values_list("id", flat=True)
            for tier in TIERS
        ],
        # A tenant that already has a standard for the tier on that date keeps it.
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
        ("org", "0003_tenant_activity_daily_cap"),
    ]

    operations = [
        # Reversing leaves the rows: they are the tenants' data by then, and 0001's reversal drops the table.
        migrations.RunPython(seed_5311, migrations.RunPython.noop),
    ]
