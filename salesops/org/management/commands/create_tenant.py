from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from salesops.org import services


class Command(BaseCommand):
    help = "Onboard a tenant with its company unit, the default channels and products, and a tenant admin."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True, help="the tenant's display name")
        parser.add_argument("--admin", required=True, help="username of the tenant admin")
        parser.add_argument("--password", required=True, help="password of the tenant admin")
        parser.add_argument("--time-zone", default="Asia/Shanghai")
        parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])

    def handle(self, *args, slug, name, admin, password, time_zone, language, **options):
        try:
            tenant, _admin = services.tenant_create(
                slug=slug,
                name=name,
                admin_username=admin,
                admin_password=password,
                time_zone=time_zone,
                language=language,
            )
        except ValidationError as error:
            messages = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
            raise CommandError(messages) from error
        self.stdout.write(
            self.style.SUCCESS(f"Created tenant '{tenant.slug}' ({tenant.name}) with tenant admin '{admin}'.")
        )
