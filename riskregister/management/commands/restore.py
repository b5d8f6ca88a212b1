from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from riskregister.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = ("Restore a backup archive into an empty database (migrating it first if needed), "
            "check every count and digest, then verify the publications and the chain of revisions.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="an archive written by `manage.py backup`")

    def handle(self, *args, archive, **options):
        try:
            manifest = restore_backup(archive)
        except BackupError as error:
            raise CommandError(f"{error} Nothing was restored.") from None
        rows = sum(manifest["counts"].values())
        self.stdout.write(self.style.SUCCESS(
            f"Restored {rows} rows from {len(manifest['counts'])} tables (backup of {manifest['created_at']}); "
            "every count and digest matches."
        ))
        call_command("verify_publications", stdout=self.stdout, stderr=self.stderr)
        call_command("verify_history", stdout=self.stdout, stderr=self.stderr)
