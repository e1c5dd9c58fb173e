"""``python manage.py rebuild_rollups --tenant SLUG [--from DATE --to DATE]``: recompute rollups from the facts."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dashboards.services import rollups
from salesops.org.models import Tenant
from salesops.org.selectors import tenant_today
from targets.quarters import quarter_of, quarter_start

BAR_WIDTH = 30


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from error


class Command(BaseCommand):
    help = (
        "Recompute a tenant's rollups from its work logs and sale records, one month per transaction; "
        "by default the current quarter up to today (what the nightly reconcile does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="the tenant's slug")
        parser.add_argument("--from", dest="start", help="first day (YYYY-MM-DD); default: the quarter's first")
        parser.add_argument("--to", dest="end", help="last day (YYYY-MM-DD); default: today in the tenant's zone")

    def handle(self, *args, tenant, start, end, **options):
        found = Tenant.objects.filter(slug=tenant).first()
        if found is None:
            raise CommandError(f"unknown tenant: {tenant}")
        today = tenant_today(found)
        end_day = _date(end) if end else today
        start_day = _date(start) if start else quarter_start(*quarter_of(end_day))
        if start_day > end_day:
            raise CommandError(f"--from {start_day} is after --to {end_day}")

        def progress(done: int, total: int) -> None:
            filled = BAR_WIDTH * done // total
            self.stdout.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} months", ending="")
            self.stdout.flush()

        self.stdout.write(f"rebuilding the rollups of '{found.slug}' from {start_day} to {end_day}")
        result = rollups.rebuild(tenant=found, start=start_day, end=end_day, progress=progress)
        self.stdout.write("")
        changed = ", ".join(f"{step} {count}" for step, count in result.changed.items())
        self.stdout.write(self.style.SUCCESS(f"done: {result.months} months; rows changed: {changed}"))
