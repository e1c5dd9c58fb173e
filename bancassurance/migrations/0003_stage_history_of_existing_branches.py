"""Give each branch that existed before stages its first stage-history entry (start-up, from today)."""

from django.db import migrations
from django.utils import timezone


def first_stage(apps, schema_editor):
    BankBranch = apps.get_model("bancassurance", "BankBranch")
    BranchStageChange = apps.get_model("bancassurance", "BranchStageChange")
    today = timezone.localdate()
    BranchStageChange.objects.bulk_create(
        BranchStageChange(tenant_id=branch.tenant_id, branch=branch, stage=branch.stage, changed_on=today)
        for branch in BankBranch.objects.filter(stage_changes__isnull=True)
    )


class Migration(migrations.Migration):
    dependencies = [("bancassurance", "0002_branch_work")]

    operations = [migrations.RunPython(first_stage, migrations.RunPython.noop)]
