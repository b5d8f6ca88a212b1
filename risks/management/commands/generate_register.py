import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from risks.generator import RegisterNotEmpty, generate_register


class Command(BaseCommand):
    help = (
        "Build a synthetic register (owners, risks with 4 to 8 controls, two years of quarterly reviews "
        "and revisions, one risk with 200+ revisions) for benchmarks and manual testing. "
        "Refuses to run if the register already has risks: use an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--risks", type=int, required=True, help="How many risks (at least 1).")
        parser.add_argument("--seed", type=int, default=2017, help="Random seed: the same seed builds the same register.")
        parser.add_argument("--as-user", help="Username recorded on every revision (default: none, shown as System).")

    def handle(self, *args, risks, seed, as_user, **options):
        if risks < 1:
            raise CommandError("--risks must be at least 1.")
        user = None
        if as_user:
            user = get_user_model().objects.filter(username=as_user).first()
            if user is None:
                raise CommandError(f"No user called {as_user!r}.")
        started = time.perf_counter()
        try:
            counts = generate_register(risks=risks, seed=seed, user=user)
        except RegisterNotEmpty as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"Generated {counts['risks']} risks, {counts['controls']} controls and {counts['owners']} owners "
            f"in {time.perf_counter() - started:.1f} s."
        ))
