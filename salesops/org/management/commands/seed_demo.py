from django.core.management.base import BaseCommand

from salesops.org import demo


class Command(BaseCommand):
    help = "Create the demo tenant 'demo' (once; re-running keeps its data) and print its users."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=demo.DEFAULT_PASSWORD, help="password of every demo user")

    def handle(self, *args, password, **options):
        tenant, created = demo.seed_demo(password=password)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created the demo tenant '{tenant.slug}' ({tenant.name})."))
        else:
            self.stdout.write(f"The demo tenant '{tenant.slug}' already exists; its data is kept as it is.")
        self.stdout.write("")
        self.stdout.write(f"{'username':<12} {'role':<20} {'name':<8} unit")
        for user in demo.demo_users(tenant):
            self.stdout.write(f"{user.username:<12} {user.role:<20} {user.display_name:<8} {user.unit}")
        if created:
            self.stdout.write(f"\npassword of every demo user: {password}")
        else:
            self.stdout.write(
                "\npassword: the one given when the demo tenant was created "
                f"({demo.DEFAULT_PASSWORD} unless --password was used)"
            )
