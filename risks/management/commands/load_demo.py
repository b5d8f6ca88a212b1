from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from riskregister.demo import load_demo_data
from risks.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

__all__ = ["DEMO_PASSWORD", "Command"]


class Command(BaseCommand):
    help = (
        "Load the September 2017 register and paper, and create the demo accounts (one a superuser). "
        "Safe to run twice. With DEBUG off (a production database) it refuses unless given "
        "--allow-demo-accounts, and then gives each new account a random password, printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-demo-accounts", action="store_true",
            help="With DEBUG off: create the demo accounts anyway, each with a random password printed once.",
        )

    def handle(self, *args, allow_demo_accounts=False, **options):
        if not settings.DEBUG and not allow_demo_accounts:
            raise CommandError(
                "DEBUG is off, so this may be a production database: load_demo would create a superuser "
                "and three other demo accounts. Run it again with --allow-demo-accounts to create them "
                "with random passwords (printed once), or with DEBUG=1 on a development database."
            )
        messages, passwords = load_demo_data(password=DEMO_PASSWORD if settings.DEBUG else None)
        for message in messages:
            self.stdout.write(message)
        self.stdout.write(self.style.SUCCESS(self.accounts_text(passwords)))

    @staticmethod
    def accounts_text(passwords):
        if settings.DEBUG:
            lines = [f"Demo accounts (password for each: {DEMO_PASSWORD}):"]
        else:
            lines = ["Demo accounts (each new one has its own random password, shown only now):"]
        for username, (_, _, role, _) in DEMO_ACCOUNTS.items():
            given = passwords.get(username)
            if settings.DEBUG or given is None:
                note = "" if given is not None or settings.DEBUG else "  (already existed: password unchanged)"
                lines.append(f"  {username:<7} {role or 'Administrator (superuser)'}{note}")
            else:
                lines.append(f"  {username:<7} {role or 'Administrator (superuser)'}  password: {given}")
        return "\n".join(lines)
