from django.core.management.base import BaseCommand

from riskregister.backup import write_backup


class Command(BaseCommand):
    help = "Write the whole register (history, papers, publications and their files) to one archive."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="the archive to write, e.g. register-2017-09-22.zip")

    def handle(self, *args, output, **options):
        manifest = write_backup(output)
        rows = sum(manifest["counts"].values())
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {output}: {rows} rows from {len(manifest['counts'])} tables, "
            f"data sha256 {manifest['sha256']['data.json']}."
        ))
